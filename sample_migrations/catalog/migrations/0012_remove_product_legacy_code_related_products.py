# UNSAFE while old code still runs: RemoveField of a plain (indexed) column,
# and RemoveField of a M2M field (drops the whole through table).
# Safe twin: orders.0009_remove_order_legacy_note_state_only
# (SeparateDatabaseAndState, state-only removal).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0011_product_price_column_category_cascade"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="product",
            name="legacy_code",
        ),
        migrations.RemoveField(
            model_name="product",
            name="related_products",
        ),
    ]
