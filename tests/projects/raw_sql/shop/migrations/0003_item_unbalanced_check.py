# MS406: a statement the SQL parser rejects (a parenthesis is never closed); the
# migrations after it are still checked.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_item_do_block")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE shop_item ADD CONSTRAINT size_positive CHECK ((size > 0);",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
