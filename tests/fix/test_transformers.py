"""Each fixer's rewrite, input and expected output side by side (tests/fix/cases/<case>/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import django
import pytest

from migsafe.fix.constraint_not_valid import ConstraintNotValidFixer
from migsafe.fix.index_concurrently import IndexConcurrentlyFixer
from migsafe.fix.lock_timeout import LockTimeoutFixer
from migsafe.fix.runpython_reverse import RunPythonReverseFixer
from transform import run_fixer

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case, fixer, name, indices, options", [
    ("in_place", IndexConcurrentlyFixer, "0005_product_name_idx", [0], {}),
    ("split", IndexConcurrentlyFixer, "0002_item_code", [1], {"app": "shop"}),
    ("remove_index", IndexConcurrentlyFixer, "0003_remove_item_code_idx", [0], {}),
    ("runpython_reverse", RunPythonReverseFixer, "0008_normalize", [0, 1], {}),
    ("lock_timeout", LockTimeoutFixer, "0017_review", [0], {"lock_timeout": "2s"}),
    pytest.param("constraint_not_valid", ConstraintNotValidFixer, "0005_order_constraints", [0], {},
                 marks=pytest.mark.skipif(django.VERSION < (5, 1), reason="CheckConstraint(condition=) is Django 5.1+")),
])
def test_rewrite(tmp_path, case, fixer, name, indices, options):
    folder = CASES / case
    path = tmp_path / f"{name}.py"
    shutil.copy(folder / "before.py", path)
    new_text, new_files = run_fixer(fixer, path, indices, **options)
    assert new_text == (folder / "after.py").read_text()
    expected_new = folder / "new.py"
    assert list(new_files.values()) == ([expected_new.read_text()] if expected_new.exists() else [])
    for text in [new_text, *new_files.values()]:
        compile(text, "rewritten.py", "exec")


def test_split_keeps_everything_else_byte_identical():
    before = (CASES / "split" / "before.py").read_text()
    after = (CASES / "split" / "after.py").read_text()
    moved = (
        '        migrations.AddIndex(\n'
        '            model_name="item",\n'
        '            index=models.Index(fields=["code"],   name="item_code_idx"),  # odd spacing kept\n'
        '        ),  # trailing comment moves with the operation\n'
    )
    assert before.count(moved) == 1
    assert after == before.replace(moved, "")


def test_in_place_changes_only_the_call_import_and_atomic():
    before = (CASES / "in_place" / "before.py").read_text().splitlines()
    after = (CASES / "in_place" / "after.py").read_text().splitlines()
    assert [line for line in after if line not in before] == [
        "from django.contrib.postgres.operations import AddIndexConcurrently",
        "    atomic = False",
        "        AddIndexConcurrently(",
    ]
    assert [line for line in before if line not in after] == ["        migrations.AddIndex("]


def test_a_non_atomic_migration_sets_and_resets_lock_timeout(tmp_path):
    path = tmp_path / "0017_review.py"
    shutil.copy(CASES / "lock_timeout" / "before.py", path)
    new_text, _ = run_fixer(LockTimeoutFixer, path, [0], atomic=False)
    assert new_text.count("migrations.RunSQL(") == 2
    first, last = new_text.index("SET lock_timeout = '5s'"), new_text.index('migrations.RunSQL("RESET lock_timeout"')
    assert first < new_text.index("RenameField") < new_text.index("AddField(") < last
