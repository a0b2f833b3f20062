# SAFE NOT NULL, step 2 of 2, in a non-atomic migration so that every step
# commits on its own and no lock is held across steps:
# 1. RunPython backfill of the remaining NULLs (reverse is a no-op);
# 2. ValidateConstraint scans the table under SHARE UPDATE EXCLUSIVE only;
# 3. AlterField null=True -> null=False: PostgreSQL 12+ sees the validated
#    CHECK and skips the full-table scan, so ACCESS EXCLUSIVE is brief;
# 4. RemoveConstraint drops the now redundant CHECK.
from django.contrib.postgres.operations import ValidateConstraint
from django.db import migrations, models
from django.db.models.functions import Now


def backfill_last_counted_at(apps, schema_editor):
    StockItem = apps.get_model("inventory", "StockItem")
    StockItem.objects.filter(last_counted_at__isnull=True).update(
        last_counted_at=Now()
    )


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("inventory", "0007_stockitem_last_counted_at_check_not_valid"),
    ]

    operations = [
        migrations.RunPython(
            backfill_last_counted_at, reverse_code=migrations.RunPython.noop
        ),
        ValidateConstraint(
            model_name="stockitem",
            name="stockitem_last_counted_at_not_null",
        ),
        migrations.AlterField(
            model_name="stockitem",
            name="last_counted_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveConstraint(
            model_name="stockitem",
            name="stockitem_last_counted_at_not_null",
        ),
    ]
