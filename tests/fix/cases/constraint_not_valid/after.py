from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("orders", "0004_order_assigned_to_tracking_number")]

    operations = [
        # migsafe fix (MS105): added NOT VALID here, validated in the next migration.
        AddConstraintNotValid(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(total__gte=0), name="order_total_gte_0"  # money is never negative
            ),
        ),
        migrations.AddField("order", "note", models.TextField(blank=True)),
    ]
