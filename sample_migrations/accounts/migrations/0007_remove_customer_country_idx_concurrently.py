# SAFE: RemoveIndexConcurrently (DROP INDEX CONCURRENTLY) of an index made
# redundant by the GIN index of 0006. Non-atomic migration.
# Unsafe twin: catalog.0013_product_index_cleanup (RemoveIndex).
from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("accounts", "0006_customer_bloom_gin_indexes"),
    ]

    operations = [
        RemoveIndexConcurrently(
            model_name="customer",
            name="customer_country_idx",
        ),
    ]
