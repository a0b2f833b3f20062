# Safe twin of MS406: statements whose effect migsafe knows though they lock no table.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_item_unbalanced_check")]

    operations = [
        migrations.RunSQL(
            [
                "SET LOCAL lock_timeout = '5s'",
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "SELECT setval(pg_get_serial_sequence('shop_item', 'id'), 1000)",
                "GRANT SELECT ON shop_item TO PUBLIC",
                "COMMENT ON INDEX shop_item_pkey IS 'primary key'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
