# AlterField CharField -> TextField (varchar -> text is binary coercible: no
# rewrite) and AlterField removing unique=True (drops the UNIQUE constraint
# and its _like index).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0015_alter_tag_id_bigautofield"),
    ]

    operations = [
        migrations.AlterField(
            model_name="category",
            name="description",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="category",
            name="name",
            field=models.CharField(max_length=100),
        ),
    ]
