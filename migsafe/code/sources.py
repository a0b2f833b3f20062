"""The files code rules read: each checked app's Python modules, parsed once.

Migrations (historical models, checked by the migration rules) and tests (their queries
say nothing about production traffic) are left out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migsafe.errors import Problem, describe_exception

_SKIPPED_DIRS = {"migrations", "tests", "test", "__pycache__", "node_modules", "static", "templates"}


def is_test_file(path: Path) -> bool:
    name = path.name
    return name in ("tests.py", "conftest.py") or name.startswith("test_") or name.endswith("_tests.py")


@dataclass(eq=False)
class PythonFile:
    path: Path
    relative: str  # as users see it, relative to the project root
    module_name: str | None
    app_label: str
    text: str
    _scoped: dict = field(default_factory=dict, repr=False)  # id(def) -> positions within it

    @cached_property
    def wrapper(self) -> MetadataWrapper:
        """The libcst tree, parsed on first use (about 0.1 s per 1,000 lines)."""
        return MetadataWrapper(cst.parse_module(self.text), unsafe_skip_copy=True)

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    @cached_property
    def positions(self):
        """Node positions in the whole file, computed on first use: a full code generation pass."""
        return self.wrapper.resolve(PositionProvider)

    def line(self, node: cst.CSTNode, scope: cst.CSTNode | None = None) -> int:
        """NODE's line; with SCOPE (the def or class it is in), found by generating only that
        statement's code rather than the whole file's."""
        if scope is None or id(scope) not in self._functions[1]:
            return self.positions[node].start.line
        if id(scope) not in self._scoped:
            self._scoped[id(scope)] = MetadataWrapper(cst.Module(body=[scope]), unsafe_skip_copy=True) \
                .resolve(PositionProvider)
        positions = self._scoped[id(scope)]
        return self._functions[1][id(scope)] + positions[node].start.line - positions[scope].start.line

    def code(self, node: cst.CSTNode) -> str:
        """NODE as written, on one line."""
        return " ".join(self.module.code_for_node(node).split())

    @cached_property
    def tree(self) -> ast.Module:
        """The same source as an ast tree: its line numbers come for free."""
        return ast.parse(self.text)

    @cached_property
    def _functions(self) -> tuple[dict, dict]:
        """({first line of a code object: def}, {id(def or class): line of its `def`/`class`}),
        pairing the ast's defs and classes with libcst's in source order."""
        found = [n for n in _preorder(self.tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                      ast.ClassDef))]
        by_first_line, lines = {}, {}
        for tree_node, node in zip(found, _cst_definitions(self.module)):
            lines[id(node)] = tree_node.lineno
            if isinstance(node, cst.FunctionDef):
                for line in [tree_node.lineno, *(d.lineno for d in tree_node.decorator_list)]:
                    by_first_line.setdefault(line, node)
        return by_first_line, lines

    def function_at(self, first_line: int) -> cst.FunctionDef | None:
        """The def whose code object starts at FIRST_LINE (its first decorator, or the def)."""
        return self._functions[0].get(first_line)


class Sources:
    """The project's Python files, by path and by dotted module name, each parsed once.

    ``checked`` are the app files walked on their own: with WORTH_READING, only those whose
    text it accepts (a file that names no model, manager or query helper cannot hold a
    query; a helper it defines is still read when code that is walked calls it).
    """

    def __init__(self, project, app_configs, worth_reading=None) -> None:
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
                if parsed is not None and parsed.app_label == config.label and parsed not in self.checked and \
                        (worth_reading is None or worth_reading(parsed.text)):
                    self.checked.append(parsed)

    def not_analysed(self, relative: str, exc: Exception) -> None:
        self.problems.append(Problem(kind="code-analysis", message=f"{relative} was not analysed: "
                                     f"{describe_exception(exc)}", file=relative,
                                     hint="code rules skip it; please report this to migsafe"))

    def app_label_of(self, path: Path) -> str | None:
        for config in self.app_configs:
            if path.is_relative_to(Path(config.path).resolve()):
                return config.label
        return None

    def file(self, path: str | Path) -> PythonFile | None:
        """The file at PATH when it belongs to the project (None otherwise, or when it does not
        parse: that is reported once as a problem)."""
        path = Path(path).resolve()
        if path in self._by_path:
            return self._by_path[path]
        self._by_path[path] = None
        if path.suffix != ".py" or not self.project.contains(str(path)) or not path.is_file():
            return None
        relative = self.project.relative(str(path))
        parsed = PythonFile(path, relative, self._module_name(path), self.app_label_of(path) or "",
                            path.read_text(encoding="utf-8", errors="replace"))
        try:
            parsed.tree  # noqa: B018 - the ast parse (fast) says whether the file is Python at all
        except SyntaxError as exc:
            self.problems.append(Problem(kind="code-parse", message=f"cannot parse {relative}: {exc.msg}",
                                         file=relative, line=exc.lineno,
                                         hint="fix the syntax error; code rules skip this file"))
            return None
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


def _preorder(node):
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _preorder(child)


def _cst_definitions(module: cst.Module) -> list:
    """Every def and class of MODULE in source order (as _preorder visits the ast). They are
    statements, so only statement bodies are walked: far cheaper than visiting every node."""
    found = []

    def walk(body):
        for statement in body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                found.append(statement)
            for name in ("body", "handlers", "orelse", "finalbody", "cases"):
                part = getattr(statement, name, None)
                for block in part if isinstance(part, (list, tuple)) else [part]:
                    inner = getattr(block, "body", None)
                    if isinstance(block, cst.If):
                        walk([block])
                    elif isinstance(inner, (list, tuple)):
                        walk(inner)
                    elif inner is not None and isinstance(getattr(inner, "body", None), (list, tuple)):
                        walk(inner.body)

    walk(module.body)
    return found
