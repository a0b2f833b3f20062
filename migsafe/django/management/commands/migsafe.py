"""``manage.py migsafe COMMAND [ARGS]``: the migsafe CLI for this project.

The project folder and settings module are filled in from the running project. migsafe
runs in a fresh process: it must start Django itself, with DATABASES replaced so that
nothing connects, which a process whose settings are already loaded cannot do.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Commands that take the project folder as their first argument.
PROJECT_COMMANDS = {"check", "sql", "graph", "trace", "resolve", "fix", "report"}


def project_root() -> Path:
    """BASE_DIR when the settings define it (the folder with manage.py), else the current one."""
    base = getattr(settings, "BASE_DIR", None)
    return Path(base) if base else Path.cwd()


def command_line(command: str, args: list[str], root: Path, settings_module: str | None) -> list[str]:
    line = [sys.executable, "-m", "migsafe", command]
    if command in PROJECT_COMMANDS:
        line.append(str(root))
        if settings_module and not any(a == "--settings" or a.startswith("--settings=") for a in args):
            line += ["--settings", settings_module]
    return line + list(args)


class Command(BaseCommand):
    help = "Run migsafe on this project (manage.py migsafe check --format json, manage.py migsafe report, ...)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("command", nargs="?", default="check",
                            help="migsafe command: check (default), report, sql, fix, graph, rules, explain ...")
        parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments, as on the command line")

    def handle(self, *args, command, **options):
        settings_module = os.environ.get("DJANGO_SETTINGS_MODULE") or getattr(settings, "SETTINGS_MODULE", None)
        line = command_line(command, list(args), project_root(), settings_module)
        environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        status = subprocess.run(line, env=environ).returncode
        if status == 2:
            raise CommandError("migsafe could not run (see above)", returncode=2)
        if status:
            sys.exit(status)
