# BtreeGistExtension, CreateModel with a range field, and AddConstraint of an
# ExclusionConstraint (GiST; "=" on a bigint column needs btree_gist).
import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.db.models.deletion
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0009_validate_customer_credit_limit_check"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.CreateModel(
            name="Subscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("plan", models.CharField(max_length=30)),
                ("period", django.contrib.postgres.fields.ranges.DateTimeRangeField()),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subscriptions",
                        to="accounts.customer",
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                expressions=[("customer", "="), ("period", "&&")],
                name="subscription_no_overlap",
            ),
        ),
    ]
