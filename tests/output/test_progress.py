"""Progress: shown on a terminal during long renders, never in CI, pipes or with --quiet."""

from __future__ import annotations

import io

import pytest

from migsafe import progress
from tests.conftest import SAMPLE, run_migsafe


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def immediate(monkeypatch):
    monkeypatch.setattr(progress, "_DELAY", 0)
    monkeypatch.setattr(progress, "_INTERVAL", 0)
    for name in progress._CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
    progress._display = None


def test_a_terminal_sees_the_migration_being_rendered_then_a_cleared_line():
    stream = Terminal()
    assert progress.enable(stream=stream)
    progress.step(("catalog", "0004_alter"), 12, 58)
    progress.finish()
    assert stream.getvalue() == "\r\x1b[Kmigsafe: rendering catalog.0004_alter (12/58)\r\x1b[K"


def test_quiet_shows_nothing():
    stream = Terminal()
    assert not progress.enable(quiet=True, stream=stream)
    progress.step(("catalog", "0004"), 1, 2)
    assert stream.getvalue() == ""


def test_ci_shows_nothing(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert not progress.enable(stream=Terminal())


def test_a_pipe_shows_nothing():
    assert not progress.enable(stream=io.StringIO())


def test_quiet_is_accepted_by_project_commands_and_stderr_stays_clean():
    result = run_migsafe("check", SAMPLE, "--app", "catalog", "--migration", "0004", "--quiet")
    assert result.returncode == 1 and result.stderr == ""
