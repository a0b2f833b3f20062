# SAFE (step 1 of 2): AddConstraintNotValid adds the CHECK constraint with
# NOT VALID, so existing rows are not scanned under ACCESS EXCLUSIVE.
# Unsafe twin: orders.0005_order_constraints (plain AddConstraint).
import django
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_remove_customer_country_idx_concurrently"),
    ]

    operations = [
        AddConstraintNotValid(
            model_name="customer",
            constraint=models.CheckConstraint(
                **{CHECK: models.Q(("credit_limit__gte", 0))},
                name="customer_credit_limit_gte_0",
            ),
        ),
    ]
