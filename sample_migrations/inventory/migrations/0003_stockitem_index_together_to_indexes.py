# Moving off index_together:
# - RenameIndex in its old_fields form turns the unnamed (product, warehouse)
#   index into a named Meta.indexes entry (the name is looked up in the
#   database at migration time; unapplying it is a no-op);
# - AlterIndexTogether(index_together=set()) drops the remaining unnamed
#   (warehouse, bin_location) index.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0002_alter_stockitem_index_together"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="stockitem",
            new_name="stockitem_product_wh_idx",
            old_fields=("product", "warehouse"),
        ),
        migrations.AlterIndexTogether(
            name="stockitem",
            index_together=set(),
        ),
    ]
