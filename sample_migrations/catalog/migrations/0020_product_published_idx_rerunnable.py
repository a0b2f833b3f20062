# SAFE twin of MS109 (and of MS103): the index is built CONCURRENTLY in a
# non-atomic migration, after dropping any INVALID leftover of an earlier
# failed build, so running the migration again really rebuilds it (IF NOT
# EXISTS alone would keep an invalid index). The state learns about the index
# through state_operations.
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("catalog", "0019_product_name_widen_lock_timeout"),
    ]

    operations = [
        migrations.RunSQL(
            [
                'DROP INDEX CONCURRENTLY IF EXISTS "product_published_idx"',
                'CREATE INDEX CONCURRENTLY "product_published_idx" ON "catalog_product" ("published_at")',
            ],
            reverse_sql='DROP INDEX CONCURRENTLY IF EXISTS "product_published_idx"',
            state_operations=[
                migrations.AddIndex(
                    model_name="product",
                    index=models.Index(fields=["published_at"], name="product_published_idx"),
                ),
            ],
        ),
    ]
