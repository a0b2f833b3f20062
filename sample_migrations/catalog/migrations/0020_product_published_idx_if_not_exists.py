# SAFE twin of MS109 (and of MS103): the index is built CONCURRENTLY with
# IF NOT EXISTS, in a non-atomic migration, so a failed build can be dropped
# and the migration simply run again. The state learns about the index through
# state_operations.
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("catalog", "0019_product_name_widen_lock_timeout"),
    ]

    operations = [
        migrations.RunSQL(
            'CREATE INDEX CONCURRENTLY IF NOT EXISTS "product_published_idx" '
            'ON "catalog_product" ("published_at")',
            reverse_sql='DROP INDEX CONCURRENTLY IF EXISTS "product_published_idx"',
            state_operations=[
                migrations.AddIndex(
                    model_name="product",
                    index=models.Index(fields=["published_at"], name="product_published_idx"),
                ),
            ],
        ),
    ]
