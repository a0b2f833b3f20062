"""Projects with third-party code, raising operations, bad bytes and odd folders: each case is
named with its file and line and what to do, and everything it does not affect is still checked.

tests/projects/third_party vendors a package (on sys.path from its settings) with custom fields,
an operation running SQL migsafe cannot read and one whose database_forwards raises; its app
`healthy` has nothing to do with any of them. Broken files and symlink loops are added to a
copy at test time.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import PROJECTS, run_json, run_migsafe

PROJECT = PROJECTS / "third_party"


@pytest.fixture(scope="module")
def checked():
    data, result = run_json("check", PROJECT)
    return data, result


@pytest.fixture
def copy(tmp_path):
    project = tmp_path / "third_party"
    shutil.copytree(PROJECT, project)
    return project


def _operations(data):
    return {(o["app_label"], o["migration"], o["operation_index"]): o for o in data["operations"]}


def _problem(data, kind):
    (found,) = [p for p in data["summary"]["problems"] if p["kind"] == kind]
    return found


def test_custom_fields_of_an_installed_package_render_with_their_own_sql(checked):
    operations = _operations(checked[0])
    assert operations[("shop", "0002_item_color_tags", 0)]["sql"] == [
        'ALTER TABLE "shop_item" ADD COLUMN "color" fancy_color NULL;']
    assert 'CHECK (char_length("tags") < 500)' in operations[("shop", "0002_item_color_tags", 1)]["sql"][0]


def test_a_custom_operation_running_sql_migsafe_cannot_read_is_reported(checked):
    (finding,) = [f for f in checked[0]["findings"] if f["rule"] == "MS406"]
    assert (finding["file"], finding["line"], finding["operation_index"]) == (
        "shop/migrations/0002_item_color_tags.py", 14, 3)
    assert 'CLUSTER "shop_item" USING "shop_item_name_idx"' in finding["message"]


def test_a_custom_operation_that_raises_is_named_and_the_rest_is_still_checked(checked):
    data, result = checked
    problem = _problem(data, "render")
    assert (problem["file"], problem["line"]) == ("shop/migrations/0002_item_color_tags.py", 15)
    assert "ConnectionError: search server at localhost:9200 is unreachable" in problem["message"]
    assert "raised by fancy_fields.operations.RefreshSearchIndex" in problem["hint"]
    operations = _operations(data)
    assert operations[("shop", "0002_item_color_tags", 5)]["sql"] == [
        'ALTER TABLE "shop_item" ALTER COLUMN "name" TYPE varchar(200);']
    assert operations[("healthy", "0002_widget_size", 0)]["rules"] == ["MS106"]
    assert result.returncode == 1


def test_a_migration_that_is_not_utf8_is_named_with_its_line_and_the_rest_is_still_checked(copy):
    (copy / "healthy" / "migrations" / "0003_widget_note.py").write_bytes(
        b"from django.db import migrations\n\n\n"
        b"class Migration(migrations.Migration):\n"
        b'    dependencies = [("healthy", "0002_widget_size")]\n\n'
        b"    operations = [\n"
        b"        migrations.RunSQL(\"COMMENT ON TABLE healthy_widget IS 'caf\xe9'\", migrations.RunSQL.noop),\n"
        b"    ]\n"
    )
    data, result = run_json("check", copy)
    problem = _problem(data, "migration-import")
    assert (problem["file"], problem["line"]) == ("healthy/migrations/0003_widget_note.py", 8)
    assert "can't decode byte 0xe9" in problem["message"]
    assert problem["hint"].startswith("save the file as UTF-8")
    assert ("healthy", "0002_widget_size", 0) in _operations(data)
    assert result.returncode == 1


def test_a_symlink_loop_in_the_project_is_not_followed_around(copy):
    (copy / "proj" / "loop").symlink_to(copy)
    (copy / "shop" / "migrations" / "loop").symlink_to(copy / "shop")
    data, result = run_json("check", copy, timeout=120)
    assert {key[:2] for key in _operations(data)} == {
        ("healthy", "0001_initial"), ("healthy", "0002_widget_size"), ("shop", "0001_initial"),
        ("shop", "0002_item_color_tags")}
    assert result.returncode == 1


def test_an_empty_folder_is_a_usage_error_that_says_what_to_pass(tmp_path):
    result = run_migsafe("check", tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path}: no Django project found" in result.stderr
    assert "--settings MODULE" in result.stderr
