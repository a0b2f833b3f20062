"""Follow a view's context into the template it renders and read its loops.

Only templates named by a literal (``render(request, "shop/list.html", {...})``, a class
view's ``template_name``) are followed, through the project's template loaders; inside,
``{% for %}`` and ``{% with %}`` bind names, and every ``{{ a.b.c }}`` or tag argument is
read as the chain of attribute lookups Django's engine would make. ``{% include %}`` and
the blocks a template inherits are not followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from migsafe.code.types import Origin
from migsafe.code.walk import Frame

_VARIABLE = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")


@dataclass(eq=False)
class TemplateFile:
    relative: str
    app_label: str
    text: str


def find_template(name: str, project) -> Path | None:
    """The project file the template loaders would use for NAME (None if it is not in the project)."""
    from django.template import engines

    for backend in engines.all():
        engine = getattr(backend, "engine", None)  # the Django template language only
        for loader in getattr(engine, "template_loaders", ()):
            for origin in _sources(loader, name):
                path = Path(origin.name)
                if path.is_file():
                    return path.resolve() if project.contains(str(path)) else None
    return None


def _sources(loader, name):
    inner = getattr(loader, "loaders", None)  # the cached loader wraps the others
    if inner:
        for each in inner:
            yield from _sources(each, name)
    else:
        yield from loader.get_template_sources(name)


def analyse(walker, renders, sources) -> None:
    """Walk every template the renders name, with the context each render passes."""
    files: dict[Path, TemplateFile] = {}
    for render in renders:
        path = find_template(render.template, sources.project)
        if path is None:
            continue
        if path not in files:
            files[path] = TemplateFile(sources.project.relative(str(path)),
                                       sources.app_label_of(path) or render.app_label,
                                       path.read_text(encoding="utf-8", errors="replace"))
        try:
            walk_template(walker, files[path], dict(render.context.items), render.origin)
        except Exception as exc:  # a template the lexer or the walk cannot follow: report it, go on
            sources.not_analysed(files[path].relative, exc)


def walk_template(walker, template: TemplateFile, context: dict, via: Origin) -> None:
    from django.template.base import Lexer, TokenType

    frame = Frame(template, context, via=via)
    scopes: list[tuple[str, Frame, dict]] = []  # (closing tag, frame outside, names it shadowed)
    for token in Lexer(template.text).tokenize():
        if token.token_type == TokenType.VAR:
            _read(walker, template, token.contents, token.lineno, frame)
            continue
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        tag = bits[0] if bits else ""
        if tag == "for" and "in" in bits:
            at = bits.index("in")
            names = [n for bit in bits[1:at] for n in bit.split(",") if n]
            source = bits[at + 1] if at + 1 < len(bits) else ""
            value = _read(walker, template, source, token.lineno, frame)
            origin = Origin(template, at=token.lineno, written=source)
            element, loop = walker.iterate(value, origin, "template")
            shadowed = {name: frame.env.get(name) for name in names}
            outside = frame
            if loop is not None:
                frame = frame.inside((loop,))
            for name in names:
                frame.env[name] = element if len(names) == 1 else None
            scopes.append(("endfor", outside, shadowed))
        elif tag == "with":
            pairs = [bit.split("=", 1) for bit in bits[1:] if "=" in bit]
            if len(bits) == 4 and bits[2] == "as":
                pairs = [[bits[3], bits[1]]]
            shadowed = {name: frame.env.get(name) for name, _ in pairs}
            values = {name: _read(walker, template, source, token.lineno, frame) for name, source in pairs}
            frame.env.update(values)
            scopes.append(("endwith", frame, shadowed))
        elif tag in ("endfor", "endwith") and scopes and scopes[-1][0] == tag:
            _, frame, shadowed = scopes.pop()
            frame.env.update(shadowed)
        else:
            for bit in bits[1:]:
                _read(walker, template, bit, token.lineno, frame)


def _read(walker, template: TemplateFile, text: str, line: int, frame: Frame):
    """Evaluate the variables of TEXT (``a.b|filter:c.d``, ``name=a.b``); the type of the first."""
    segments = text.rpartition("=")[2].split("|") if "==" not in text else text.split("|")
    first = _lookup(walker, template, segments[0].strip(), line, frame)
    for segment in segments[1:]:
        _lookup(walker, template, segment.partition(":")[2].strip(), line, frame)
    return first


def _lookup(walker, template: TemplateFile, path: str, line: int, frame: Frame):
    if not _VARIABLE.fullmatch(path):
        return None  # a literal, an operator, nothing
    parts = path.split(".")
    value = frame.env.get(parts[0])
    for i in range(1, len(parts)):
        if value is None:
            return None
        origin = Origin(template, at=line, written=".".join(parts[: i + 1]))
        value = walker.method(value, parts[i], None, origin, frame)
    return value
