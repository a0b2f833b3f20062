from django.db.migrations.operations.base import Operation


class ClusterTable(Operation):
    """Rewrites a table in index order with SQL migsafe has no knowledge of."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table, index):
        self.table, self.index = table, index

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        quote = schema_editor.quote_name
        schema_editor.execute(f"CLUSTER {quote(self.table)} USING {quote(self.index)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Cluster {self.table} on {self.index}"


class RefreshSearchIndex(Operation):
    """Needs a search server the CI job does not have: its database_forwards raises."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        raise ConnectionError("search server at localhost:9200 is unreachable")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Refresh the search index"
