"""The files code rules read: each checked app's Python modules, parsed once.

Migrations (historical models, checked by the migration rules) and tests (their queries
say nothing about production traffic) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migsafe.errors import Problem

_SKIPPED_DIRS = {"migrations", "tests", "test", "__pycache__", "node_modules", "static", "templates"}


def is_test_file(path: Path) -> bool:
    name = path.name
    return name in ("tests.py", "conftest.py") or name.startswith("test_") or name.endswith("_tests.py")


@dataclass
class PythonFile:
    path: Path
    relative: str  # as users see it, relative to the project root
    module_name: str | None
    app_label: str
    text: str
    module: cst.Module
    positions: object = field(repr=False)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        """NODE as written, on one line."""
        return " ".join(self.module.code_for_node(node).split())


class Sources:
    """Parsed Python files of the project, by path and by dotted module name."""

    def __init__(self, project, app_configs) -> None:
        self.project = project
        self.app_configs = sorted(app_configs, key=lambda config: len(Path(config.path).parts), reverse=True)
        self.problems: list[Problem] = []
        self._by_path: dict[Path, PythonFile | None] = {}
        self._by_module: dict[str, Path] = {}
        self.checked: list[PythonFile] = []
        for config in self.app_configs:
            for path in sorted(Path(config.path).rglob("*.py")):
                relative_parts = path.relative_to(config.path).parts
                if any(part in _SKIPPED_DIRS or part.startswith(".") for part in relative_parts[:-1]):
                    continue
                if is_test_file(path) or not project.contains(str(path)):
                    continue
                parsed = self.file(path)
                if parsed is not None and parsed.app_label == config.label and parsed not in self.checked:
                    self.checked.append(parsed)

    def app_label_of(self, path: Path) -> str | None:
        for config in self.app_configs:
            if path.is_relative_to(Path(config.path).resolve()):
                return config.label
        return None

    def file(self, path: str | Path) -> PythonFile | None:
        """The parsed file at PATH when it belongs to the project (None otherwise, or when it
        does not parse: that is reported once as a problem)."""
        path = Path(path).resolve()
        if path in self._by_path:
            return self._by_path[path]
        self._by_path[path] = None
        if path.suffix != ".py" or not self.project.contains(str(path)) or not path.is_file():
            return None
        relative = self.project.relative(str(path))
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
        except cst.ParserSyntaxError as exc:
            self.problems.append(Problem(kind="code-parse", message=f"cannot parse {relative}: {exc.message}",
                                         file=relative, line=exc.raw_line,
                                         hint="fix the syntax error; code rules skip this file"))
            return None
        parsed = PythonFile(path, relative, self._module_name(path), self.app_label_of(path) or "",
                            text, wrapper.module, wrapper.resolve(PositionProvider))
        self._by_path[path] = parsed
        if parsed.module_name:
            self._by_module[parsed.module_name] = path
        return parsed

    def module(self, name: str) -> PythonFile | None:
        """The project file of the dotted module NAME, if there is one."""
        if name not in self._by_module:
            for root in self.project.sys_path:
                base = Path(root, *name.split("."))
                for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                    if candidate.is_file() and self.file(candidate) is not None:
                        return self._by_path[candidate.resolve()]
            return None
        return self._by_path.get(self._by_module[name])

    def _module_name(self, path: Path) -> str | None:
        for root in sorted(self.project.sys_path, key=lambda p: len(Path(p).parts), reverse=True):
            try:
                parts = list(path.relative_to(Path(root).resolve()).with_suffix("").parts)
            except ValueError:
                continue
            if parts and parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts) or None
        return None
