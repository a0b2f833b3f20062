# AddConstraint variants: CheckConstraints (UNSAFE on an existing table: the
# whole table is scanned under ACCESS EXCLUSIVE; safe twin:
# accounts.0008/0009 AddConstraintNotValid + ValidateConstraint), a plain
# UniqueConstraint, a conditional (partial) UniqueConstraint and a
# deferrable UniqueConstraint.
import django
from django.db import migrations, models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0004_order_assigned_to_tracking_number"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                **{CHECK: models.Q(("total__gte", 0))}, name="order_total_gte_0"
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                **{
                    CHECK: models.Q(
                        ("status__in", ["pending", "paid", "shipped", "cancelled"])
                    )
                },
                name="order_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("customer",),
                name="order_one_pending_per_customer",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.UniqueConstraint(
                fields=("order", "product"), name="orderline_order_product_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.UniqueConstraint(
                deferrable=models.Deferrable["DEFERRED"],
                fields=("order", "position"),
                name="orderline_order_position_uniq",
            ),
        ),
    ]
