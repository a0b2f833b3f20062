# RemoveCollation: drops a collation nobody uses any more. locale/provider are
# kept so the operation can re-create it when unapplied.
from django.contrib.postgres.operations import RemoveCollation
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_customer"),
    ]

    operations = [
        RemoveCollation(
            "german_phonebook",
            provider="icu",
            locale="de-u-co-phonebk",
        ),
    ]
