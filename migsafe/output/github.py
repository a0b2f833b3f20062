"""GitHub Actions workflow commands: one annotation per finding, shown on the file and line
of the pull request's diff.

GitHub resolves annotation (and SARIF) paths against the repository root, so paths are
written relative to it, not to the analysed project folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from migsafe.output.check import summary_line

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def repository_root(start: Path) -> Path | None:
    """The git work tree holding START (the folder with ``.git``), if any."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return None


def workspace(project_root: str | Path) -> Path:
    """The folder GitHub resolves paths against: $GITHUB_WORKSPACE, else the git work tree
    holding the project, else the current folder."""
    root = Path(project_root).resolve()
    if os.environ.get("GITHUB_WORKSPACE"):
        return Path(os.environ["GITHUB_WORKSPACE"]).resolve()
    return repository_root(root) or Path.cwd().resolve()


def repository_path(project_root: str | Path, file: str) -> str:
    """FILE (relative to the project, as findings give it) relative to the workspace."""
    path = (Path(project_root).resolve() / file).resolve()
    try:
        return path.relative_to(workspace(project_root)).as_posix()
    except ValueError:
        return Path(file).as_posix()


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, file: str | None = None, line: int | None = None,
            title: str | None = None) -> str:
    """One workflow command, e.g. ``::error file=a.py,line=3,title=MS102::message``."""
    properties = []
    if file:
        properties.append(f"file={_property(file)}")
        if line:
            properties.append(f"line={line}")
    if title:
        properties.append(f"title={_property(title)}")
    head = f"::{level} {','.join(properties)}" if properties else f"::{level}"
    return f"{head}::{_data(message)}"


def annotations(result, project_root) -> list[str]:
    """Workflow commands for every active finding and every problem of a check."""
    from migsafe.rules.registry import get

    lines = []
    for finding in result.findings:
        if finding.suppressed:
            continue
        where = finding.location
        rule = get(finding.rule)
        title = f"{finding.rule} {rule.title}" if rule else finding.rule
        context = f"{where.app_label}.{where.migration}" if where.migration else where.app_label
        if where.operation:
            context += f" [{where.operation_index}] {where.operation}"
        message = f"{context}: {finding.message}\nfix: {finding.suggestion}"
        file = repository_path(project_root, where.file) if where.file else None
        lines.append(command(LEVELS[finding.severity], message, file=file, line=where.line, title=title))
    for problem in result.problems:
        file = repository_path(project_root, problem.file) if problem.file else None
        message = problem.message + (f"\nhint: {problem.hint}" if problem.hint else "")
        lines.append(command("warning", message, file=file, line=problem.line, title="migsafe could not analyse"))
    return lines


def write(result, echo, project_root) -> None:
    for line in annotations(result, project_root):
        echo(line)
    echo(summary_line(result))
