# RenameIndex in its old_name/new_name form (ALTER INDEX ... RENAME TO).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0003_stockitem_index_together_to_indexes"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="stockitem",
            new_name="stock_product_warehouse_idx",
            old_name="stockitem_product_wh_idx",
        ),
    ]
