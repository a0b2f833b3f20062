# Leaf 1 of 2 (conflicts with 0002_add_size: both depend only on 0001).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("conflicts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="badge",
            name="color",
            field=models.CharField(default="#ff0000", max_length=7),
        ),
    ]
