# AlterConstraint (Django 5.2+): changes only violation_error_message, so it
# is a state-only change with no SQL. Django < 5.2 has no AlterConstraint;
# there the same state change is spelled as a state-only Remove + Add so that
# every Django version ends with the same state and the same (unchanged)
# database.
import django
from django.db import migrations, models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"

constraint = models.CheckConstraint(
    **{CHECK: models.Q(("total__gte", 0))},
    name="order_total_gte_0",
    violation_error_message="An order total cannot be negative.",
)

if django.VERSION >= (5, 2):
    operations = [
        migrations.AlterConstraint(
            model_name="order",
            name="order_total_gte_0",
            constraint=constraint,
        ),
    ]
else:
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="order",
                    name="order_total_gte_0",
                ),
                migrations.AddConstraint(
                    model_name="order",
                    constraint=constraint,
                ),
            ],
        ),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0010_remove_order_cart_delete_cart"),
    ]

    operations = operations
