# SAFE twin of MS202: the model leaves Django's state only. The table stays
# until a later release drops it (after every instance runs code that no
# longer uses it, and after a backup: pg_dump -t inventory_stocknote).
# Its foreign key goes now: Django no longer cascades deletes to a model it
# does not know, so the constraint would make deleting a StockItem fail.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0010_stocknote"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StockNote")],
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "inventory_stocknote" DROP CONSTRAINT '
                    '"inventory_stocknote_item_id_886af0fb_fk_inventory_stockitem_id"',
                    reverse_sql='ALTER TABLE "inventory_stocknote" ADD CONSTRAINT '
                    '"inventory_stocknote_item_id_886af0fb_fk_inventory_stockitem_id" FOREIGN KEY ("item_id") '
                    'REFERENCES "inventory_stockitem" ("id") DEFERRABLE INITIALLY DEFERRED',
                ),
            ],
        ),
    ]
