# contrib.postgres extension operations: the generic CreateExtension (with a
# name that needs quoting) and the CITextExtension, HStoreExtension,
# CryptoExtension and UnaccentExtension shortcuts. Each one checks
# pg_extension first and runs CREATE EXTENSION IF NOT EXISTS.
from django.contrib.postgres.operations import (
    CITextExtension,
    CreateExtension,
    CryptoExtension,
    HStoreExtension,
    UnaccentExtension,
)
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = []

    operations = [
        CreateExtension("uuid-ossp"),
        CITextExtension(),
        HStoreExtension(),
        CryptoExtension(),
        UnaccentExtension(),
    ]
