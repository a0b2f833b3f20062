from django.db import migrations


class ForwardOnlySQL(migrations.RunSQL):
    """A project's own operation: SQL with no way back."""

    def __init__(self, sql):
        super().__init__(sql)
