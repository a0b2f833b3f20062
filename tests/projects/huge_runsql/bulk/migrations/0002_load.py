# A data-loading script of megabytes: INSERTs with a CREATE TABLE in the middle. load.sql is
# written by tests/render/test_huge_runsql.py (megabytes are not committed).
from pathlib import Path

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bulk", "0001_initial")]

    operations = [
        migrations.RunSQL(Path(__file__).with_name("load.sql").read_text(), reverse_sql=migrations.RunSQL.noop),
    ]
