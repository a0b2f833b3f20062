# After the unreadable statement of 0003: still checked (MS103).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_item_settings_and_grants")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX shop_item_size_idx ON shop_item (size);",
            reverse_sql="DROP INDEX shop_item_size_idx;",
        ),
    ]
