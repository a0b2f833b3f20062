# SAFE field removal, step 1 (expand/contract): SeparateDatabaseAndState
# removes Order.legacy_note from Django's state only, while the database just
# drops the NOT NULL so new code can insert rows without the column.
# The column itself would be dropped by a later release.
# Unsafe twin: catalog.0012_remove_product_legacy_code_related_products.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0008_normalize_order_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="order",
                    name="legacy_note",
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=(
                        "ALTER TABLE orders_order "
                        "ALTER COLUMN legacy_note DROP NOT NULL"
                    ),
                    reverse_sql=(
                        "UPDATE orders_order SET legacy_note = '' "
                        "WHERE legacy_note IS NULL; "
                        "ALTER TABLE orders_order ALTER COLUMN legacy_note SET NOT NULL"
                    ),
                ),
            ],
        ),
    ]
