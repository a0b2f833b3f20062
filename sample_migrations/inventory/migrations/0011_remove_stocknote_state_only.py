# SAFE twin of MS202: the model leaves Django's state only. The table stays
# until a later release drops it (after every instance runs code that no
# longer uses it, and after a backup: pg_dump -t inventory_stocknote).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0010_stocknote"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StockNote")],
        ),
    ]
