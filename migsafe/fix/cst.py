"""libcst helpers shared by fixers: find a migration's parts, edit them without reformatting."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node


def migration_class(module: cst.Module) -> cst.ClassDef | None:
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Migration":
            return stmt
    return None


def class_assignment(cls: cst.ClassDef, name: str) -> tuple[int, cst.Assign] | None:
    """(index in the class body, node) of ``name = ...`` directly in the class body."""
    for i, stmt in enumerate(cls.body.body):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign):
            assign = stmt.body[0]
            if any(isinstance(t.target, cst.Name) and t.target.value == name for t in assign.targets):
                return i, assign
    return None


def called_name(node) -> str | None:
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute):
            return func.attr.value
        if isinstance(func, cst.Name):
            return func.value
    return None


def replace_class_statement(module: cst.Module, index: int, stmt) -> cst.Module:
    cls = migration_class(module)
    body = list(cls.body.body)
    body[index] = stmt
    return replace_class(module, cls, cls.with_changes(body=cls.body.with_changes(body=body)))


def replace_class(module: cst.Module, old: cst.ClassDef, new: cst.ClassDef) -> cst.Module:
    return module.with_changes(body=[new if s is old else s for s in module.body])


def set_class_attribute(module: cst.Module, name: str, value: str) -> cst.Module:
    """``name = value`` in class Migration: the value replaced if assigned, else a new first
    statement (after a docstring), formatted like the statement it goes before."""
    cls = migration_class(module)
    found = class_assignment(cls, name)
    expr = cst.parse_expression(value)
    if found is not None:
        i, assign = found
        stmt = cls.body.body[i]
        return replace_class_statement(module, i, stmt.with_changes(body=[assign.with_changes(value=expr)]))
    body = list(cls.body.body)
    at = 0
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
            and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        at = 1
    leading = []
    if at < len(body) and body[at].leading_lines and body[at].leading_lines[0].comment is None:
        leading = [body[at].leading_lines[0]]
    new = cst.SimpleStatementLine(
        body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=expr)], leading_lines=leading
    )
    if at < len(body) and not body[at].leading_lines:
        body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    body.insert(at, new)
    return replace_class(module, cls, cls.with_changes(body=cls.body.with_changes(body=body)))


def _import_module_name(stmt) -> str | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        node = stmt.body[0]
        if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
            return get_full_name_for_node(node.module)
        if isinstance(node, cst.Import):
            return get_full_name_for_node(node.names[0].name)
    return None


def is_import(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(n, (cst.Import, cst.ImportFrom)) for n in stmt.body)


def bound_names(stmt) -> dict[str, cst.CSTNode]:
    """Names a top-level import statement binds (``*`` as "*")."""
    names = {}
    for node in stmt.body:
        if isinstance(node, cst.Import):
            for alias in node.names:
                if alias.asname is not None:
                    names[alias.asname.name.value] = alias
                else:
                    names[get_full_name_for_node(alias.name).split(".")[0]] = alias
        elif isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                names["*"] = node.names
            else:
                for alias in node.names:
                    target = alias.asname.name.value if alias.asname else get_full_name_for_node(alias.name)
                    names[target] = alias
    return names


def module_bindings(module: cst.Module) -> set[str]:
    found = set()
    for stmt in module.body:
        if is_import(stmt):
            found |= set(bound_names(stmt))
    return found


def ensure_import(module: cst.Module, from_module: str, names: list[str]) -> cst.Module:
    """``from from_module import names``: added to an existing import of that module if any,
    else a new statement placed in sorted order among the top-level from-imports."""
    bound = module_bindings(module)
    missing = [n for n in names if n not in bound]
    if not missing:
        return module
    body = list(module.body)
    for i, stmt in enumerate(body):
        if _import_module_name(stmt) == from_module and isinstance(stmt.body[0], cst.ImportFrom) \
                and not isinstance(stmt.body[0].names, cst.ImportStar):
            node = stmt.body[0]
            aliases = list(node.names)
            last = aliases[-1]
            trailing = last.comma
            aliases[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for j, name in enumerate(missing):
                alias = cst.ImportAlias(name=cst.Name(name))
                if j < len(missing) - 1:
                    alias = alias.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                else:
                    alias = alias.with_changes(comma=trailing)
                aliases.append(alias)
            body[i] = stmt.with_changes(body=[node.with_changes(names=aliases)])
            return module.with_changes(body=body)
    new = cst.parse_statement(f"from {from_module} import {', '.join(missing)}\n")
    imports = [i for i, s in enumerate(body) if is_import(s)]
    if not imports:
        at = 0
        if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr):
            at = 1  # module docstring
        body.insert(at, new)
        return module.with_changes(body=body)
    for i in imports:
        stmt = body[i]
        name = _import_module_name(stmt)
        if isinstance(stmt.body[0], cst.ImportFrom) and name and name > from_module and name != "__future__":
            body[i] = stmt.with_changes(leading_lines=[])
            body.insert(i, new.with_changes(leading_lines=stmt.leading_lines))
            return module.with_changes(body=body)
    body.insert(imports[-1] + 1, new)
    return module.with_changes(body=body)


def used_names(node: cst.CSTNode) -> set[str]:
    """Free names an expression reads (the roots of attribute chains included)."""
    found: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

        def visit_Arg(self, n: cst.Arg) -> bool:
            n.value.visit(self)  # keyword names are not reads
            return False

    node.visit(Visitor())
    return found


def remove_elements(lst: cst.List, indices: set[int]) -> cst.List:
    """The list without the elements at ``indices``; whitespace and comments around the other
    elements (including comment lines above a removed element) kept as they are; a removed
    element's own trailing comment goes with it."""
    elements = list(lst.elements)
    lbracket, rbracket = lst.lbracket, lst.rbracket
    for i in sorted(indices, reverse=True):
        element = elements[i]
        if i > 0:
            prev_ws = elements[i - 1].comma.whitespace_after
        else:
            prev_ws = lbracket.whitespace_after
        has_comma = isinstance(element.comma, cst.Comma)
        this_ws = element.comma.whitespace_after if has_comma else rbracket.whitespace_before
        if i == len(elements) - 1 and i > 0 and not isinstance(this_ws, cst.ParenthesizedWhitespace):
            # the last element: what followed it (up to "]") now follows the one before
            merged = this_ws if has_comma else cst.SimpleWhitespace("")
        elif isinstance(prev_ws, cst.ParenthesizedWhitespace) and isinstance(this_ws, cst.ParenthesizedWhitespace):
            merged = prev_ws.with_changes(
                empty_lines=[*prev_ws.empty_lines, *this_ws.empty_lines],
                indent=this_ws.indent, last_line=this_ws.last_line,
            )
        else:
            merged = prev_ws
        if not has_comma:
            rbracket = rbracket.with_changes(whitespace_before=cst.SimpleWhitespace(""))
        if i > 0:
            prev = elements[i - 1]
            elements[i - 1] = prev.with_changes(comma=prev.comma.with_changes(whitespace_after=merged))
        else:
            lbracket = lbracket.with_changes(whitespace_after=merged)
        del elements[i]
    return lst.with_changes(elements=elements, lbracket=lbracket, rbracket=rbracket)


def rewrite_dependency(module: cst.Module, app_label: str, old: str, new: str) -> tuple[cst.Module, int]:
    """Each ``(app_label, old)`` in class Migration's ``dependencies`` becomes ``(app_label, new)``,
    quotes kept. Returns the module and how many were rewritten."""
    cls = migration_class(module)
    found = class_assignment(cls, "dependencies") if cls else None
    if found is None or not isinstance(found[1].value, (cst.List, cst.Tuple)):
        return module, 0
    i, assign = found
    count = 0
    elements = []
    for element in assign.value.elements:
        value = element.value
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == 2 and all(
                isinstance(e.value, cst.SimpleString) for e in value.elements):
            first, second = (e.value for e in value.elements)
            if first.evaluated_value == app_label and second.evaluated_value == old:
                quote = second.quote
                literal = second.prefix + quote + new + quote
                inner = [value.elements[0], value.elements[1].with_changes(value=second.with_changes(value=literal))]
                element = element.with_changes(value=value.with_changes(elements=inner))
                count += 1
        elements.append(element)
    if count:
        stmt = cls.body.body[i]
        assign = assign.with_changes(value=assign.value.with_changes(elements=elements))
        module = replace_class_statement(module, i, stmt.with_changes(body=[assign]))
    return module, count


def renamed_call(code: str, name: str) -> str:
    """CODE (one call) calling NAME instead, its arguments kept exactly as written."""
    call = cst.parse_expression(code)
    return cst.Module(body=[]).code_for_node(call.with_changes(func=cst.Name(name)))
