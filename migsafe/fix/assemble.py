"""Turn the fixers' per-operation decisions into file changes, once per migration.

A fixer says, for one operation, what stays in its migration (``now``) and what must run
after it (``later``): concurrent index builds, validations, the database half of a
two-phase removal. Everything ``later`` goes into a new migration placed right after the
original (the app's next free number, so no duplicate numbers), and every migration that
depended on the original depends on the new one instead. When nothing stays, the
original is converted in place. Source is spliced as text so that everything the fix does
not touch stays byte for byte.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import libcst as cst

from migsafe.fix import FileChange, Skipped
from migsafe.fix.cst import (
    bound_names, called_name, class_assignment, ensure_import, is_import, migration_class, remove_elements,
   
    replace_class_statement, rewrite_dependency, set_class_attribute, used_names,
)

_NUMBER = re.compile(r"^(\d+)_?(.*)$")
INDENT = 8  # of an operation in a generated migration


@dataclass
class OperationFix:
    """What one fixer does with one operation of a migration."""

    index: int
    rules: tuple[str, ...]
    now: list[str] | None = None  # sources replacing it in place (None: kept as is, []: removed)
    later: list[str] = field(default_factory=list)  # sources for the follow-up migration
    later_atomic: bool = True
    guard: bool = False  # the follow-up sets lock_timeout around its brief ACCESS EXCLUSIVE locks
    phase_two: bool = False  # ``later`` must ship in a later deploy (the database half of a removal)
    imports: list[tuple[str, str]] = field(default_factory=list)  # (module, name) the new code needs
    functions: list[str] = field(default_factory=list)  # module-level code for the follow-up
    needs: set[str] = field(default_factory=set)  # names the functions take from the migration's imports
    comment: str | None = None  # explanation above the follow-up's operations
    now_comment: str | None = None  # explanation above the replacement in place
    before: list[str] = field(default_factory=list)  # sources inserted before it (it stays as is)
    after: list[str] = field(default_factory=list)  # sources inserted after it
    suffix: str = "safe"  # of the follow-up's name
    later_trailing: str | None = None  # a trailing comment that moves with the operation
    restore: tuple[str, str] | None = None  # phase two: (code restoring the state view, removal code)


@dataclass(frozen=True)
class Element:
    """One entry of ``operations = [...]`` as it is written."""

    code: str
    start: int  # offsets in the file
    end: int
    column: int
    line_start: int  # offset of the start of its first line
    comment: str | None  # its trailing comment


def operation_elements(text: str) -> list[Element] | None:
    """Each entry of the file's ``operations = [...]``, as written (None without that list)."""
    elements = _operation_elements(text)
    return None if elements is None else list(elements)


@lru_cache(maxsize=256)
def _operation_elements(text: str) -> tuple[Element, ...] | None:
    """Read with ast, whose positions cost nothing, where libcst's take a code generation
    pass over the whole file; a fix asks again after each splice."""
    tree = ast.parse(text)
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == "Migration"), None)
    assign = next((s for s in cls.body if isinstance(s, ast.Assign)
                   and any(isinstance(t, ast.Name) and t.id == "operations" for t in s.targets)), None) if cls else None
    if assign is None or not isinstance(assign.value, ast.List):
        return None
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, byte_column: int) -> int:  # ast columns count UTF-8 bytes
        return starts[line - 1] + len(lines[line - 1].encode()[:byte_column].decode())

    elements = []
    for node in assign.value.elts:
        start, end = offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)
        after = re.match(r"[ \t]*,[ \t]*(#[^\r\n]*)", text[end:])
        elements.append(Element(text[start:end], start, end, start - starts[node.lineno - 1],
                                starts[node.lineno - 1], after.group(1) if after else None))
    return tuple(elements)


def operation_element(source: str, index: int) -> Element | str:
    """The INDEXth entry of the migration's ``operations`` list, or why it cannot be edited."""
    try:
        elements = operation_elements(source)
    except (SyntaxError, ValueError) as exc:
        return f"cannot parse the migration: {exc}"
    if elements is None:
        return "class Migration has no literal `operations = [...]` list"
    if index >= len(elements):
        return "the operations list in the file does not match the loaded migration"
    return elements[index]


def _has_multiline_string(code: str) -> bool:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError):
        return True
    return any(t.type == tokenize.STRING and "\n" in t.string for t in tokens)


def reindent(code: str, old: int, new: int) -> str:
    """CODE written starting at column OLD, moved to column NEW (continuation lines shifted)."""
    if old == new or "\n" not in code or _has_multiline_string(code):
        return code
    first, *rest = code.split("\n")
    shifted = []
    for line in rest:
        if new > old:
            shifted.append(" " * (new - old) + line if line.strip() else line)
        else:
            cut = old - new
            shifted.append(line[cut:] if line[:cut].strip() == "" else line)
    return "\n".join([first, *shifted])


def block(lines: list[str], indent: int) -> str:
    """Items as they sit at INDENT, separated the way Django writes operations."""
    pad = " " * indent
    return f",\n{pad}".join(lines)


class Assembler:
    """Plans the file changes of every fixed migration of one `migsafe fix` run."""

    def __init__(self, graph, texts: dict, lock_timeout: str = "5s") -> None:
        self.graph = graph
        self.lock_timeout = lock_timeout
        self.texts = texts  # path -> text as planned so far
        self.reserved: dict[str, set[int]] = {}

    def text(self, path: str) -> str:
        if path in self.texts:
            return self.texts[path]
        return Path(path).read_text(encoding="utf-8")

    def assemble(self, info, fixes: list[OperationFix]) -> tuple[list[FileChange], list[Skipped]]:
        def skip(reason, only=None):
            return [], [Skipped(rule, info.app_label, info.name, f.index, reason)
                        for f in (only or fixes) for rule in f.rules]

        if not fixes:
            return [], []
        text = self.text(info.path)
        try:
            elements = operation_elements(text)
            module = cst.parse_module(text) if elements is not None else None
        except (SyntaxError, ValueError, cst.ParserSyntaxError) as exc:
            return skip(f"cannot parse {info.file}: {exc}")
        if elements is None:
            return skip("class Migration has no literal `operations = [...]` list")
        listed = class_assignment(migration_class(module), "operations")[1].value.elements
        if len(listed) != len(info.operations) or any(
                called_name(e.value) != op.class_name for e, op in zip(listed, info.operations)):
            return skip("the operations list in the file does not match the loaded migration")
        by_index: dict[int, list[OperationFix]] = {}
        for fix in fixes:
            by_index.setdefault(fix.index, []).append(fix)
        problem = self._order_problem(info, fixes)
        if problem:
            return skip(problem)

        moved = [f for f in fixes if f.later and not f.phase_two]
        stays = [i for i in range(len(elements)) if not any(f.now == [] for f in by_index.get(i, []))]
        if moved and not stays and not any(f.phase_two for f in fixes):
            change = self._in_place(info, text, elements, fixes)
            change.rules = tuple(sorted({r for f in fixes for r in f.rules}))
            return [change], []

        changes: list[FileChange] = []
        new_text = self._rewrite_now(text, elements, by_index)
        rules = tuple(sorted({r for f in fixes for r in f.rules}))
        changes.append(FileChange(info.path, text, new_text, rules))
        parent = info.name
        for batch, phase_two in ((moved, False), ([f for f in fixes if f.phase_two], True)):
            if not batch:
                continue
            made, problem = self._follow_up(info, module, elements, batch, parent, phase_two)
            if problem:
                return skip(problem)
            changes.append(made)
            parent = Path(made.path).stem
        if parent != info.name:
            for other_key, other in sorted(self.graph.migrations.items()):
                if info.key not in other.dependencies or not other.path:
                    continue
                other_text = self.text(other.path)
                rewritten, count = rewrite_dependency(cst.parse_module(other_text), info.app_label, info.name, parent)
                if not count:
                    return skip(f"{other_key[0]}.{other_key[1]} depends on it in a way that cannot be rewritten")
                changes.append(FileChange(other.path, other_text, rewritten.code))
        return changes, []

    # -- the original migration -------------------------------------------------------------------

    def _rewrite_now(self, text: str, elements: list[Element], by_index: dict) -> str:
        removed = {i for i, fixes in by_index.items() if any(f.now == [] for f in fixes)}
        if removed:  # first, while the indices still hold
            module = cst.parse_module(text)
            cls = migration_class(module)
            i, assign = class_assignment(cls, "operations")
            assign = assign.with_changes(value=remove_elements(assign.value, removed))
            text = replace_class_statement(module, i, cls.body.body[i].with_changes(body=[assign])).code
            elements = operation_elements(text)
            kept = [i for i in range(len(elements) + len(removed)) if i not in removed]
            by_index = {kept.index(i): fixes for i, fixes in by_index.items() if i not in removed}
        for index in sorted(by_index, reverse=True):
            fixes = by_index[index]
            element = elements[index]
            pad = " " * element.column
            after = [s for f in fixes for s in f.after]
            if after:  # on the lines after the element's own (its trailing comment stays with it)
                line_end = text.index("\n", text.index(",", element.end)) + 1
                text = text[:line_end] + "".join(
                    f"{pad}{reindent(s, INDENT, element.column)},\n" for s in after) + text[line_end:]
            replacements = [f for f in fixes if f.now]
            code = element.code
            if replacements:
                items = [s for f in replacements for s in f.now]
                code = block([reindent(s, INDENT, element.column) for s in items], element.column)
            before = "".join(f"{reindent(s, INDENT, element.column)},\n{pad}" for f in fixes for s in f.before)
            comments = "".join(f"# {line}\n{pad}" for f in replacements if f.now_comment
                               for line in f.now_comment.splitlines())
            text = text[:element.start] + before + comments + code + text[element.end:]
        imports = {pair for fixes in by_index.values() for f in fixes if f.now or f.before or f.after
                   for pair in f.imports}
        return _with_imports(text, imports)

    def _in_place(self, info, text, elements, fixes) -> FileChange:
        atomic = all(f.later_atomic for f in fixes)
        guard = any(f.guard for f in fixes)
        ordered = sorted(fixes, key=lambda f: f.index)
        for fix in reversed(ordered):
            element = elements[fix.index]
            items = list(fix.later)
            if guard and fix is ordered[0]:
                items.insert(0, guard_code(self.lock_timeout, atomic, start=True))
            if guard and not atomic and fix is ordered[-1]:
                items.append(guard_code(self.lock_timeout, False, start=False))
            code = block([reindent(s, INDENT, element.column) for s in items], element.column)
            comments = "".join(f"{' ' * element.column}# {line}\n" for line in (fix.comment or "").splitlines())
            text = text[:element.line_start] + comments + text[element.line_start:element.start] + code + \
                text[element.end:]
        if not atomic:
            text = set_class_attribute(cst.parse_module(text), "atomic", "False").code
        return FileChange(info.path, self.text(info.path), _with_imports(
            text, {pair for f in fixes for pair in f.imports}))

    # -- the follow-up migration ------------------------------------------------------------------

    def _order_problem(self, info, fixes: list[OperationFix]) -> str | None:
        """Why running the ``later`` parts after the rest of the migration could change what
        they do (None if it cannot)."""
        # Operations that go, whole and in order, into the same follow-up as this one.
        together = {(f.index, f.phase_two) for f in fixes if f.later and (f.now == [] or f.phase_two)}
        for fix in fixes:
            if not fix.later:
                continue
            op = info.operations[fix.index].operation
            for j in range(fix.index + 1, len(info.operations)):
                if (j, fix.phase_two) in together:
                    continue
                later = info.operations[j]
                other = later.operation
                if later.class_name in ("RunSQL", "RunPython", "SeparateDatabaseAndState"):
                    return f"operation [{j}] ({later.class_name}) runs after it and may depend on it"
                if _model(other) == _model(op) and (fix.phase_two or later.class_name not in _HARMLESS_AFTER
                                                    or _names(op) & _names(other)):
                    return f"operation [{j}] ({later.class_name}) changes the same model after it"
        return None

    def _next_number(self, app_label: str, directory: Path) -> tuple[int, int]:
        numbers = set(self.reserved.setdefault(app_label, set()))
        width = 4
        for app, name in self.graph.migrations:
            match = _NUMBER.match(name)
            if app == app_label and match and match.group(1).isdigit():
                numbers.add(int(match.group(1)))
                width = max(width, len(match.group(1)))
        for path in directory.glob("*.py"):
            match = _NUMBER.match(path.stem)
            if match and match.group(1).isdigit():
                numbers.add(int(match.group(1)))
        number = max(numbers, default=0) + 1
        self.reserved[app_label].add(number)
        return number, width

    def _follow_up(self, info, module, elements, fixes, parent: str, phase_two: bool):
        directory = Path(info.path).parent
        number, width = self._next_number(info.app_label, directory)
        match = _NUMBER.match(info.name)
        rest = match.group(2) if match and match.group(2) else info.name
        suffix = "_".join(dict.fromkeys(f.suffix for f in fixes))
        new_name = f"{number:0{width}d}_{rest}_{suffix}"
        path = directory / f"{new_name}.py"

        if phase_two and len(fixes) > 1:
            from migsafe.fix.two_phase_removal import merge

            first = min(fixes, key=lambda f: f.index)
            comment = "\n".join(f.comment for f in sorted(fixes, key=lambda f: f.index) if f.comment)
            fixes = [OperationFix(first.index, tuple(sorted({r for f in fixes for r in f.rules})),
                                  later=[merge(sorted(fixes, key=lambda f: f.index), info.name)],
                                  phase_two=True, guard=any(f.guard for f in fixes),
                                  imports=[p for f in fixes for p in f.imports], comment=comment, suffix="drop")]
        operations = []
        atomic_follow_up = all(f.later_atomic for f in fixes)
        guard = any(f.guard for f in fixes)
        if guard:
            operations.append(f"{' ' * INDENT}{guard_code(self.lock_timeout, atomic_follow_up, start=True)},\n")
        for fix in sorted(fixes, key=lambda f: f.index):
            for line in (fix.comment or "").splitlines():
                operations.append(f"{' ' * INDENT}# {line}\n")
            for n, item in enumerate(fix.later):
                trailing = f"  {fix.later_trailing}" if fix.later_trailing and n == len(fix.later) - 1 else ""
                operations.append(f"{' ' * INDENT}{item},{trailing}\n")
        if guard and not atomic_follow_up:
            operations.append(f"{' ' * INDENT}{guard_code(self.lock_timeout, False, start=False)},\n")
        functions = [f for fix in fixes for f in fix.functions]
        try:
            used = {"migrations"} | used_names(cst.parse_expression("[\n" + "".join(operations) + "]"))
        except cst.ParserSyntaxError as exc:  # a fixer produced bad code: never write it
            return None, f"internal error: generated code does not parse ({exc})"
        used |= {name for fix in fixes for name in fix.needs}
        used -= {name or module.split(".")[0] for fix in fixes for module, name in fix.imports}
        used -= {name for fix in fixes for name in _defined_names(fix.functions)}
        imports, problem = _imports_for(module, used)
        if problem:
            return None, problem
        atomic = "" if atomic_follow_up else "    atomic = False\n\n"
        rules = "/".join(sorted({r for f in fixes for r in f.rules}))
        header = (f"# Generated by migsafe fix from {info.app_label}.{info.name} ({rules}).\n" +
                  ("# Deploy this migration in a release AFTER the one that contains "
                   f"{info.name}:\n# it must only run once no running code uses what it drops. Back the data up first\n"
                   "# (the commands are above each operation): it is gone for good.\n" if phase_two else ""))
        source = (
            f"{header}{imports}\n\n"
            + "".join(f"{f.rstrip()}\n\n\n" for f in functions)
            + "class Migration(migrations.Migration):\n\n"
            + atomic
            + "    dependencies = [\n"
            + f'        ("{info.app_label}", "{parent}"),\n'
            + "    ]\n\n"
            + "    operations = [\n" + "".join(operations) + "    ]\n"
        )
        source = _with_imports(source, {pair for f in fixes for pair in f.imports} | {("django.db", "migrations")})
        try:
            compile(source, str(path), "exec")
        except SyntaxError as exc:
            return None, f"internal error: generated migration does not compile ({exc})"
        return FileChange(str(path), None, source, tuple(sorted({r for f in fixes for r in f.rules}))), None


def guard_code(timeout: str, atomic: bool, *, start: bool) -> str:
    """The RunSQL that sets (START) or resets lock_timeout: SET LOCAL ends with the transaction
    of an atomic migration; a non-atomic one sets it for the session and resets it at its end."""
    setting = f"SET lock_timeout = {timeout!r}"
    if atomic:
        return f'migrations.RunSQL("SET LOCAL lock_timeout = {timeout!r}", reverse_sql=migrations.RunSQL.noop)'
    if start:
        return f'migrations.RunSQL("{setting}", reverse_sql="RESET lock_timeout")'
    return f'migrations.RunSQL("RESET lock_timeout", reverse_sql="{setting}")'


# Operations on the same model that moved work may safely run after.
_HARMLESS_AFTER = {"AddIndex", "RemoveIndex", "RenameIndex", "AddIndexConcurrently", "RemoveIndexConcurrently",
                   "AddConstraint", "RemoveConstraint", "AddField", "AlterModelOptions", "AlterModelManagers"}


def _names(op) -> set[str]:
    """The index, constraint and field names an operation creates, drops or renames."""
    names = set()
    for attr in ("name", "old_name", "new_name"):
        value = getattr(op, attr, None)
        if isinstance(value, str):
            names.add(value.lower())
    for attr in ("index", "constraint"):
        value = getattr(op, attr, None)
        if getattr(value, "name", None):
            names.add(value.name.lower())
    return names


def _model(op) -> str | None:
    return getattr(op, "model_name_lower", None) or getattr(op, "name_lower", None)


def _defined_names(functions: list[str]) -> set[str]:
    names = set()
    for code in functions:
        for stmt in cst.parse_module(code).body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                names.add(stmt.name.value)
    return names


def _with_imports(text: str, imports) -> str:
    """TEXT with the IMPORTS ((module, name) or (module, None) for ``import module``) that
    its code uses."""
    module = cst.parse_module(text)
    used = used_names(module)
    imports = {(m, n) for m, n in imports if (n or m.split(".")[0]) in used}
    by_module: dict[str, list[str]] = {}
    plain = []
    for from_module, name in sorted(imports, key=lambda pair: (pair[0], pair[1] or "")):
        if name is None:
            plain.append(from_module)
        else:
            by_module.setdefault(from_module, []).append(name)
    for from_module, names in by_module.items():
        module = ensure_import(module, from_module, names)
    for name in plain:
        if not _imports_module(module, name):
            body = list(module.body)
            at = max((i + 1 for i, s in enumerate(body) if is_import(s)), default=0)
            body.insert(at, cst.parse_statement(f"import {name}\n"))
            module = module.with_changes(body=body)
    return module.code


def _imports_module(module: cst.Module, name: str) -> bool:
    return any(isinstance(node, cst.Import) and any(cst.helpers.get_full_name_for_node(a.name) == name
                                                    for a in node.names)
               for stmt in module.body if is_import(stmt) for node in stmt.body)


def _imports_for(module: cst.Module, used: set[str]) -> tuple[str, str | None]:
    """The original migration's import statements that bind names in USED (trimmed to them)."""
    imports = []
    provided = set(dir(builtins))
    for stmt in module.body:
        if not is_import(stmt):
            continue
        bound = bound_names(stmt)
        if "*" in bound:
            return "", "the migration uses `import *`"
        node = stmt.body[0]
        if len(stmt.body) == 1 and isinstance(node, cst.ImportFrom) and node.module is not None \
                and cst.helpers.get_full_name_for_node(node.module) == "__future__":
            imports.append(stmt.with_changes(leading_lines=[]))
            continue
        keep = [name for name in bound if name in used]
        if not keep:
            continue
        provided |= set(keep)
        if len(stmt.body) == 1 and isinstance(node, cst.ImportFrom) and len(keep) < len(bound):
            aliases = [a for a in node.names if (a.asname.name.value if a.asname else
                                                 cst.helpers.get_full_name_for_node(a.name)) in keep]
            aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            stmt = stmt.with_changes(body=[node.with_changes(names=aliases, lpar=None, rpar=None)])
        imports.append(stmt.with_changes(leading_lines=[]))
    missing = sorted(used - provided - {"migrations"})
    module_names = {s.name.value for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
    if missing:
        local = [m for m in missing if m in module_names]
        what = f"{', '.join(local)} defined in the migration" if local else f"{', '.join(missing)}, which the migration does not import"
        return "", f"the moved code uses {what}"
    return "".join(cst.Module(body=[s]).code for s in imports), None
