# SAFE: AddIndexConcurrently of a plain index and of a functional
# (expression) index, in a non-atomic migration.
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("accounts", "0004_remove_collation_german_phonebook"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(fields=["country_code"], name="customer_country_idx"),
        ),
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(
                django.db.models.functions.text.Lower("full_name"),
                name="customer_lower_name_idx",
            ),
        ),
    ]
