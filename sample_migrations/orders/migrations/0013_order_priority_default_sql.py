# UNSAFE (MS405): one UPDATE without WHERE writes every row of orders_order in a
# single statement: row locks on the whole table until COMMIT, and a table
# full of dead tuples afterwards. Safe form: batches by primary key range in a
# non-atomic migration (see inventory 0008's backfill).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0012_order_priority_backfill"),
    ]

    operations = [
        migrations.RunSQL("UPDATE orders_order SET priority = 0", reverse_sql=migrations.RunSQL.noop),
    ]
