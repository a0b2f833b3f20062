"""Print the project state at the graph's leaves as JSON: [[app, model, [fields...]], ...].

Run in its own process (Django's settings are per process): python final_state.py PATH APP...
It fails loudly when the graph has conflicting leaves, so a passing comparison also means
Django's own MigrationLoader accepted the history.
"""

import json
import sys

from django.db.migrations.loader import MigrationLoader

from migsafe.project import load_project

load_project(sys.argv[1])
loader = MigrationLoader(None, ignore_no_migrations=True)
conflicts = loader.detect_conflicts()
if conflicts:
    sys.exit(f"conflicting leaves: {conflicts}")
state = loader.project_state()
apps = set(sys.argv[2:])
print(json.dumps(sorted([app, model, sorted(m.fields)] for (app, model), m in state.models.items() if app in apps)))
