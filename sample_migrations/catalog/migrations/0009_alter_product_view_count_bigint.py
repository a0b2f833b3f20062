# UNSAFE: AlterField IntegerField -> BigIntegerField. int4 -> int8 rewrites the
# whole table under ACCESS EXCLUSIVE.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0008_alter_product_name_max_length"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="view_count",
            field=models.BigIntegerField(default=0),
        ),
    ]
