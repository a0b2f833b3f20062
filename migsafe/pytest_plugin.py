"""pytest plugin: fail (or list) the tests that run N+1 queries (migsafe.testing).

Registered through the ``pytest11`` entry point, so it is loaded wherever migsafe is
installed: it does nothing unless asked for.

    pytest --migsafe-nplusone                 # a test with an N+1 fails, saying where and what to load
    pytest --migsafe-nplusone-report          # list them after the run instead of failing
    pytest --migsafe-nplusone --migsafe-nplusone-threshold 5

Only the test's call is recorded, not its fixtures (creating test data is not an N+1).
Uses pytest's new-style hook wrappers (pytest 8+, or pluggy 1.2+).
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser) -> None:
    group = parser.getgroup("migsafe")
    group.addoption("--migsafe-nplusone", action="store_true",
                    help="fail tests whose code runs the same query repeatedly from one place (N+1)")
    group.addoption("--migsafe-nplusone-report", action="store_true",
                    help="list N+1 queries after the run without failing the tests")
    group.addoption("--migsafe-nplusone-threshold", type=int, default=None, metavar="N",
                    help="how often one query may run from one place before it counts (default 2)")


def pytest_configure(config) -> None:
    fail, listed = config.getoption("migsafe_nplusone"), config.getoption("migsafe_nplusone_report")
    if fail or listed:
        config.pluginmanager.register(NPlusOne(fail, config.getoption("migsafe_nplusone_threshold")),
                                      "migsafe-nplusone")


class NPlusOne:
    def __init__(self, fail: bool, threshold: int | None) -> None:
        from migsafe.testing import DEFAULT_THRESHOLD

        self.fail = fail
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.found: list[tuple[str, str]] = []  # (test id, report)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        from django.conf import settings

        from migsafe.testing import NPlusOneError, QueryRecorder, report

        if not settings.configured:
            return (yield)
        with QueryRecorder() as recorder:
            result = yield
        repeats = recorder.repeated(self.threshold)
        if repeats:
            text = report(repeats, self.threshold)
            if self.fail:
                raise NPlusOneError(text)
            self.found.append((item.nodeid, text))
        return result

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.found:
            terminalreporter.section("migsafe: N+1 queries")
            for nodeid, text in self.found:
                terminalreporter.write_line(f"{nodeid}: {text}")
