# SAFE NOT NULL, step 1 of 2: a "last_counted_at IS NOT NULL" CHECK added
# NOT VALID (no table scan; new rows are checked from now on).
# Unsafe twin: catalog.0004_alter_product_sku_not_null (plain SET NOT NULL).
import django
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0006_stockitem_reserved_available"),
    ]

    operations = [
        AddConstraintNotValid(
            model_name="stockitem",
            constraint=models.CheckConstraint(
                **{CHECK: models.Q(("last_counted_at__isnull", False))},
                name="stockitem_last_counted_at_not_null",
            ),
        ),
    ]
