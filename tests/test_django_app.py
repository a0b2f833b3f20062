"""The optional Django app: `manage.py migsafe` runs the CLI with the project's folder and
settings filled in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from migsafe.django.management.commands.migsafe import command_line
from tests.conftest import SAMPLE


def test_project_commands_get_the_folder_and_settings():
    line = command_line("check", ["--format", "json"], Path("/srv/shop"), "shop.settings")
    assert line[1:] == ["-m", "migsafe", "check", "/srv/shop", "--settings", "shop.settings", "--format", "json"]


def test_settings_given_on_the_command_line_win():
    line = command_line("check", ["--settings", "shop.ci"], Path("/srv/shop"), "shop.settings")
    assert line.count("--settings") == 1 and line[-1] == "shop.ci"


def test_commands_without_a_project_get_neither():
    assert command_line("explain", ["MS102"], Path("/srv/shop"), "shop.settings")[3:] == ["explain", "MS102"]


def test_manage_py_migsafe_checks_the_project(tmp_path):
    (tmp_path / "review_settings.py").write_text(
        "from sampleproject.settings import *  # noqa\nINSTALLED_APPS = [*INSTALLED_APPS, 'migsafe.django']\n")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="review_settings", PYTHONPATH=f"{tmp_path}{os.pathsep}{SAMPLE}",
               PYTHONHASHSEED="0")
    result = subprocess.run([sys.executable, "manage.py", "migsafe", "check", "--app", "catalog", "--migration",
                             "0004", "--format", "json"], cwd=SAMPLE, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert {f["rule"] for f in json.loads(result.stdout)["findings"]} == {"MS102", "MS106", "MS205"}
