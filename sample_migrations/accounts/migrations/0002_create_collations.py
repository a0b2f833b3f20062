# CreateCollation in three shapes: a nondeterministic ICU collation (used by
# Customer.username), a deterministic ICU collation (dropped again in 0004)
# and a plain libc collation.
from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_postgres_extensions"),
    ]

    operations = [
        CreateCollation(
            "case_insensitive",
            provider="icu",
            locale="und-u-ks-level2",
            deterministic=False,
        ),
        CreateCollation(
            "german_phonebook",
            provider="icu",
            locale="de-u-co-phonebk",
        ),
        CreateCollation("bytewise", locale="C"),
    ]
