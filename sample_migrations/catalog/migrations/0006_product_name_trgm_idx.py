# SAFE: TrigramExtension, then AddIndexConcurrently of a GinIndex with the
# gin_trgm_ops opclass on the hot Product table. CREATE INDEX CONCURRENTLY
# cannot run inside a transaction, hence atomic = False.
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("catalog", "0005_product_name_idx"),
    ]

    operations = [
        TrigramExtension(),
        AddIndexConcurrently(
            model_name="product",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name"],
                name="product_name_trgm_idx",
                opclasses=["gin_trgm_ops"],
            ),
        ),
    ]
