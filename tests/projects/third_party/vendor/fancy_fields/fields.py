from django.db import models


class ColorField(models.Field):
    """A column of the package's own PostgreSQL type."""

    def db_type(self, connection):
        return "fancy_color"


class TagsField(models.TextField):
    """A text column with a CHECK the package writes itself."""

    def db_check(self, connection):
        return f"char_length({connection.ops.quote_name(self.column)}) < 500"
