# A project-specific operation that cannot be reversed (MS305).
from django.db import migrations

from ledger.operations import ForwardOnlySQL


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_squashed_0003_account_closed")]

    operations = [
        ForwardOnlySQL("CREATE VIEW ledger_account_names AS SELECT name FROM ledger_account"),
    ]
