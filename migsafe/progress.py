"""Progress of long runs on a terminal: which migration is being rendered, N of M.

Shown only on an interactive stderr, outside CI and without ``--quiet``, and only once a
run has lasted long enough to be worth watching: logs, pipes and captured output never
see it. The render loop reports each migration; the CLI decides whether anyone watches.
"""

from __future__ import annotations

import os
import sys
import time

_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "TF_BUILD", "JENKINS_URL", "TEAMCITY_VERSION")
_DELAY = 0.5  # seconds before the first line: quick runs stay silent
_INTERVAL = 0.1  # seconds between redraws


class _Display:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.visible = False

    def show(self, text: str) -> None:
        now = time.monotonic()
        if now - self.started < _DELAY or now - self.drawn_at < _INTERVAL:
            return
        self.drawn_at = now
        self.visible = True
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()

    def clear(self) -> None:
        if self.visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.visible = False


_display: _Display | None = None


def in_ci(environ=os.environ) -> bool:
    return any(environ.get(name, "").lower() not in ("", "0", "false") for name in _CI_VARIABLES)


def enable(quiet: bool = False, stream=None) -> bool:
    """Show progress on STREAM (default stderr) when it is a terminal, outside CI, unless QUIET."""
    global _display
    stream = stream or sys.stderr
    interactive = stream.isatty() and os.environ.get("TERM") != "dumb"
    _display = _Display(stream) if interactive and not quiet and not in_ci() else None
    return _display is not None


def step(key: tuple[str, str], number: int, total: int) -> None:
    """Migration KEY is being rendered, NUMBER of TOTAL."""
    if _display is not None:
        app, name = key
        _display.show(f"migsafe: rendering {app}.{name} ({number}/{total})")


def finish() -> None:
    """Rendering is over: clear the line before results are printed."""
    if _display is not None:
        _display.clear()
