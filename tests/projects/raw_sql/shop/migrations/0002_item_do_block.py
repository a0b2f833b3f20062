# MS406: what a DO block locks is known only to PostgreSQL.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "DO $$ BEGIN EXECUTE 'ALTER TABLE shop_item ALTER COLUMN size TYPE bigint'; END $$;",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
