from django.db import models


class CIEmailField(models.EmailField):
    """
    EmailField stored in a case-insensitive PostgreSQL ``citext`` column.

    Django 5.1 removed django.contrib.postgres' CIEmailField; this small field
    is what projects keep instead. Needs the citext extension
    (CITextExtension in accounts.0001_postgres_extensions).
    """

    def db_type(self, connection):
        return "citext"
