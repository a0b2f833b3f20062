"""A real PostgreSQL connection whose schema editor records every statement it executes."""

from __future__ import annotations

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.backends.postgresql.schema import DatabaseSchemaEditor as PostgresSchemaEditor

from migsafe.render.recording import RecordingSchemaEditor


class DatabaseSchemaEditor(RecordingSchemaEditor):
    def run(self, text: str) -> None:
        # Parameters are already merged; hand the final text to Django's executor.
        PostgresSchemaEditor.execute(self, text, None)


class DatabaseWrapper(PostgresWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def init_connection_state(self):
        super().init_connection_state()
        # Guard rails for a scratch database that is still a shared server.
        timeouts = self.settings_dict.get("MIGSAFE_TIMEOUTS", {})
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false), set_config('lock_timeout', %s, false)",
                [timeouts.get("statement_timeout", "5min"), timeouts.get("lock_timeout", "10s")],
            )
