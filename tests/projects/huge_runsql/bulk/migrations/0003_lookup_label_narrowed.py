# Only the catalog knows bulk_lookup.label is text: the table was created inside 0002's script.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bulk", "0002_load")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE bulk_lookup ALTER COLUMN label TYPE varchar(50);",
            reverse_sql="ALTER TABLE bulk_lookup ALTER COLUMN label TYPE text;",
        ),
    ]
