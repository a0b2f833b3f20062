# SAFE (step 2 of 2): ValidateConstraint scans the table holding only a
# SHARE UPDATE EXCLUSIVE lock, in its own migration (own transaction).
from django.contrib.postgres.operations import ValidateConstraint
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_customer_credit_limit_check_not_valid"),
    ]

    operations = [
        ValidateConstraint(
            model_name="customer",
            name="customer_credit_limit_gte_0",
        ),
    ]
