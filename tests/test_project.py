"""Finding settings without manage.py, and clear errors when a project cannot start."""

from __future__ import annotations

import os

import pytest

from conftest import PROJECTS, run_migsafe
from migsafe.errors import MigsafeError
from migsafe.project import find_settings, read_env_file


def write(root, relative, text=""):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture(autouse=True)
def no_settings_env(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)


def test_explicit_settings_flag_wins(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.migsafe]\nsettings = "from.pyproject"\n')
    assert find_settings(tmp_path, "from.flag") == ("from.flag", "--settings")


def test_pyproject_tool_table_comes_before_environment(tmp_path, monkeypatch):
    write(tmp_path, "pyproject.toml", '[tool.migsafe]\nsettings = "from.pyproject"\n')
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "from.env")
    assert find_settings(tmp_path)[0] == "from.pyproject"


def test_environment_variable_comes_before_manage_py(tmp_path, monkeypatch):
    write(tmp_path, "manage.py", 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n')
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "from.env")
    assert find_settings(tmp_path)[0] == "from.env"


def test_manage_py_literal_is_read_not_executed(tmp_path):
    write(
        tmp_path,
        "manage.py",
        "import os\nraise SystemExit('executing manage.py would stop here')\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings.production')\n",
    )
    module, source = find_settings(tmp_path)
    assert module == "site.settings.production"
    assert "manage.py" in source


def test_wsgi_literal_in_a_subpackage(tmp_path):
    write(tmp_path, "config/wsgi.py", 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"\n')
    assert find_settings(tmp_path)[0] == "config.settings"


def test_lone_settings_module_in_src_layout(tmp_path):
    write(tmp_path, "src/shop/__init__.py")
    write(tmp_path, "src/shop/settings.py", "SECRET_KEY = 'x'\n")
    assert find_settings(tmp_path)[0] == "shop.settings"


def test_lone_settings_package(tmp_path):
    write(tmp_path, "conf/__init__.py")
    write(tmp_path, "conf/settings/__init__.py", "from .base import *\n")
    assert find_settings(tmp_path)[0] == "conf.settings"


def test_several_settings_modules_ask_for_a_choice(tmp_path):
    write(tmp_path, "a/settings.py")
    write(tmp_path, "b/settings.py")
    with pytest.raises(MigsafeError, match="several settings modules") as info:
        find_settings(tmp_path)
    assert "--settings" in info.value.hint


def test_env_file_parsing(tmp_path):
    path = write(tmp_path, ".env", '# comment\nexport A="quoted value"\nB=plain # trailing\nC=\n')
    assert read_env_file(path) == {"A": "quoted value", "B": "plain", "C": ""}


def test_env_file_bad_line_names_file_and_line(tmp_path):
    path = write(tmp_path, ".env", "A=1\nnot a pair\n")
    with pytest.raises(MigsafeError, match=r"\.env:2: expected KEY=VALUE"):
        read_env_file(path)


def test_folder_without_django_is_a_usage_error():
    result = run_migsafe("graph", PROJECTS / "no_django")
    assert result.returncode == 2
    assert "no Django project found" in result.stderr
    assert "--settings" in result.stderr


def test_missing_folder_is_a_usage_error():
    result = run_migsafe("graph", PROJECTS / "does_not_exist")
    assert result.returncode == 2


def test_settings_that_raise_name_module_file_line_and_exception():
    result = run_migsafe("graph", PROJECTS / "settings_raises")
    assert result.returncode == 2
    assert "'proj.settings'" in result.stderr
    assert "proj/settings.py:4" in result.stderr
    assert "RuntimeError: settings refuse to load outside production" in result.stderr


def test_settings_missing_an_environment_variable_name_it():
    result = run_migsafe("graph", PROJECTS / "settings_env")
    assert result.returncode == 2
    assert "KeyError: 'SECRET_KEY'" in result.stderr
    assert "--env SECRET_KEY=" in result.stderr


def test_env_flag_provides_the_variable():
    result = run_migsafe("graph", PROJECTS / "settings_env", "--env", "SECRET_KEY=s3cret")
    assert result.returncode == 0, result.stderr
    assert "auth" in result.stdout


def test_env_file_provides_the_variable():
    project = PROJECTS / "settings_env"
    result = run_migsafe("graph", project, "--env-file", project / "ci.env")
    assert result.returncode == 0, result.stderr


def test_project_database_is_never_used():
    # settings_env points DATABASES at a server called "prod" that does not exist; graph and
    # sql still work because migsafe replaces every alias with its offline backend.
    result = run_migsafe("sql", PROJECTS / "settings_env", "contenttypes", "--env", "SECRET_KEY=x")
    assert result.returncode == 0, result.stderr
    assert 'CREATE TABLE "django_content_type"' in result.stdout
