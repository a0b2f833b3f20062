# Leaf 2 of 2 (conflicts with 0002_add_color: both depend only on 0001).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("conflicts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="badge",
            name="size",
            field=models.PositiveSmallIntegerField(default=16),
        ),
    ]
