# BloomExtension + a BloomIndex, and BtreeGinExtension + a multi-column
# GinIndex mixing a scalar column (needs btree_gin) with an hstore column.
# Plain AddIndex: blocks writes on accounts_customer while building. The bloom
# index carries an inline suppression (with its reason) to show how a team
# accepts a finding on purpose; the GIN index does not.
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BloomExtension, BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_customer_indexes_concurrently"),
    ]

    operations = [
        BloomExtension(),
        BtreeGinExtension(),
        migrations.AddIndex(  # migsafe: ignore[MS103] customers table holds ~2k rows; build takes <1s
            model_name="customer",
            index=django.contrib.postgres.indexes.BloomIndex(
                fields=["loyalty_points", "country_code"], name="customer_bloom_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["country_code", "preferences"],
                name="customer_country_prefs_gin",
            ),
        ),
    ]
