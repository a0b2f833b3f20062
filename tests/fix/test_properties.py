"""Generated histories: any valid sequence of operations renders offline exactly as PostgreSQL
runs it, checks without a problem, and `fix --write` keeps the final state and the schema.

Hypothesis draws a history (fields added, altered, renamed and removed; indexes and
constraints added and removed) over two models, writes it as a project, and runs the CLI on
it. The budget is fixed (MIGSAFE_HYPOTHESIS_EXAMPLES, default 6) and failing examples are
kept in tests/fix/.hypothesis so a failure found once is replayed first next time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import django
import pytest
from hypothesis import HealthCheck, Phase, example, given, reject, settings, strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from conftest import run_json, run_migsafe
from schema import apply_project, diff_schemas, final_state, scratch_database, schema_snapshot
from test_offline_matches_live import comparable

EXAMPLES = int(os.environ.get("MIGSAFE_HYPOTHESIS_EXAMPLES", "6"))
CHECK_KEYWORD = "condition" if django.VERSION >= (5, 1) else "check"

FIELD_TYPES = {
    "char": 'models.CharField(max_length={size}, null=True{index})',
    "int": "models.IntegerField(null=True{index})",
    "int_default": "models.IntegerField(default=0{index})",
    "bool": "models.BooleanField(default=False)",
    "when": "models.DateTimeField(null=True{index})",
    "fk": 'models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to="lab.owner"{index})',
}


@st.composite
def histories(draw):
    """A list of migrations, each a list of operation sources, valid in order."""
    fields: dict[str, str] = {}  # name -> kind, on Thing
    indexes: list[str] = []
    constraints: list[str] = []
    counter = 0
    migrations = []
    for _ in range(draw(st.integers(1, 4))):
        operations = []
        for _ in range(draw(st.integers(1, 3))):
            counter += 1
            choices = ["add"]
            if fields:
                choices += ["alter", "remove", "rename", "index", "constraint"]
            if indexes:
                choices.append("remove_index")
            if constraints:
                choices.append("remove_constraint")
            action = draw(st.sampled_from(choices))
            if action == "add":
                kind = draw(st.sampled_from(sorted(FIELD_TYPES)))
                name = f"f{counter}"
                fields[name] = kind
                operations.append(f'migrations.AddField(model_name="thing", name="{name}", field={_field(draw, kind)})')
            elif action == "alter":
                name = draw(st.sampled_from(sorted(fields)))
                kind = fields[name]
                if kind == "char" and draw(st.booleans()):
                    field = f'models.CharField(max_length={draw(st.sampled_from([20, 200]))}, default=""{_index(draw)})'
                else:
                    field = _field(draw, kind)
                operations.append(f'migrations.AlterField(model_name="thing", name="{name}", field={field})')
            elif action == "remove":
                name = draw(st.sampled_from(sorted(fields)))
                del fields[name]
                indexes[:] = [i for i in indexes if not i.endswith(f"_{name}")]
                constraints[:] = [c for c in constraints if not c.endswith(f"_{name}")]
                operations.append(f'migrations.RemoveField(model_name="thing", name="{name}")')
            elif action == "rename":
                old = draw(st.sampled_from(sorted(fields)))
                new = f"r{counter}"
                if any(i.endswith(f"_{old}") for i in indexes + constraints):
                    continue  # an index naming the old field keeps its name: keep the bookkeeping simple
                fields[new] = fields.pop(old)
                operations.append(f'migrations.RenameField(model_name="thing", old_name="{old}", new_name="{new}")')
            elif action == "index":
                name = draw(st.sampled_from(sorted(fields)))
                index = f"i{counter}_{name}"
                indexes.append(index)
                operations.append(f'migrations.AddIndex(model_name="thing", index=models.Index(fields=["{name}"], '
                                  f'name="{index}"))')
            elif action == "constraint":
                name = draw(st.sampled_from(sorted(fields)))
                constraint = f"c{counter}_{name}"
                constraints.append(constraint)
                if fields[name] in ("int", "int_default") and draw(st.booleans()):
                    body = f'models.CheckConstraint({CHECK_KEYWORD}=models.Q({name}__gte=0), name="{constraint}")'
                else:
                    body = f'models.UniqueConstraint(fields=["{name}"], name="{constraint}")'
                operations.append(f'migrations.AddConstraint(model_name="thing", constraint={body})')
            elif action == "remove_index":
                index = draw(st.sampled_from(indexes))
                indexes.remove(index)
                operations.append(f'migrations.RemoveIndex(model_name="thing", name="{index}")')
            else:
                constraint = draw(st.sampled_from(constraints))
                constraints.remove(constraint)
                operations.append(f'migrations.RemoveConstraint(model_name="thing", name="{constraint}")')
        if operations:
            migrations.append(operations)
    return migrations


def _index(draw) -> str:
    return draw(st.sampled_from(["", ", db_index=True", ", unique=True"]))


def _field(draw, kind: str) -> str:
    index = "" if kind == "bool" else _index(draw)
    return FIELD_TYPES[kind].format(size=draw(st.sampled_from([20, 100])), index=index)


INITIAL = '''from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(name="Owner", fields=[("id", models.BigAutoField(primary_key=True, serialize=False))]),
        migrations.CreateModel(
            name="Thing",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False)), ("name", models.CharField(max_length=100))],
        ),
    ]
'''


def write_project(root: Path, history) -> Path:
    (root / "proj").mkdir(parents=True)
    (root / "proj" / "__init__.py").write_text("")
    (root / "proj" / "settings.py").write_text(
        'SECRET_KEY = "generated"\nINSTALLED_APPS = ["lab"]\nDEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n')
    (root / "manage.py").write_text('import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n')
    migrations = root / "lab" / "migrations"
    migrations.mkdir(parents=True)
    (root / "lab" / "__init__.py").write_text("")
    (root / "lab" / "models.py").write_text("")
    (migrations / "__init__.py").write_text("")
    (migrations / "0001_initial.py").write_text(INITIAL)
    previous = "0001_initial"
    for number, operations in enumerate(history, start=2):
        name = f"{number:04d}_step"
        body = "".join(f"        {op},\n" for op in operations)
        (migrations / f"{name}.py").write_text(
            "import django.db.models.deletion\nfrom django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n\n"
            f'    dependencies = [("lab", "{previous}")]\n\n'
            f"    operations = [\n{body}    ]\n")
        previous = name
    return root


@pytest.fixture(scope="module")
def server(pg_url):
    return pg_url


# No shrinking: each example runs the CLI a dozen times, so shrinking would take many
# minutes; the failing example is printed (print_blob) and replayed first from the database.
@settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
          database=DirectoryBasedExampleDatabase(str(Path(__file__).parent / ".hypothesis")))
@given(history=histories())
# Found by this test: a unique constraint added then removed in one migration must not be
# moved after its removal.
@example(history=[[
    'migrations.AddField(model_name="thing", name="f1", field=models.BooleanField(default=False))',
    'migrations.AddConstraint(model_name="thing", constraint=models.UniqueConstraint(fields=["f1"], name="c2_f1"))',
    'migrations.RemoveConstraint(model_name="thing", name="c2_f1")',
]])
def test_a_generated_history_renders_checks_and_fixes_faithfully(tmp_path_factory, server, history):
    project = write_project(tmp_path_factory.mktemp("generated"), history)
    live, result = run_json("sql", project, "--database-url", server)
    if "could not be rendered" in result.stderr:
        # Django itself cannot apply this history (e.g. db_index=True then unique=True on a
        # varchar in one migration creates its _like index twice): not a migsafe case.
        reject()
    offline, result = run_json("sql", project)
    assert "could not be rendered" not in result.stderr, result.stderr
    assert [[comparable(s) for s in op["sql"]] for op in offline] == [[comparable(s) for s in op["sql"]] for op in live]

    checked, result = run_json("check", project)
    assert checked["summary"]["problems"] == [], result.stderr

    original = tmp_path_factory.mktemp("original")
    write_project(original, history)
    fixed = run_migsafe("fix", project, "--write", "--format", "json")
    assert fixed.returncode == 0, fixed.stderr
    assert final_state(project) == final_state(original)
    refixed, _ = run_json("check", project)
    assert refixed["summary"]["problems"] == []
    with scratch_database(server) as before_url, scratch_database(server) as after_url:
        apply_project(original, before_url)
        apply_project(project, after_url)
        assert diff_schemas(schema_snapshot(before_url), schema_snapshot(after_url)) == [], \
            json.loads(fixed.stdout)["diff"]
