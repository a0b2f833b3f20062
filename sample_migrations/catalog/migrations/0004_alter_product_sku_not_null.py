# UNSAFE: AlterField null=True -> null=False on an existing column of the hot
# table. SET NOT NULL scans the whole table under ACCESS EXCLUSIVE.
# Safe twin: inventory.0007 + 0008 (NOT VALID check, validate, then SET NOT NULL).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_backfill_product_sku"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="sku",
            field=models.CharField(max_length=32, unique=True),
        ),
    ]
