"""Split SQL into statements the way PostgreSQL separates them."""

from __future__ import annotations

import re

# Things a ';' inside does not end a statement: quoted identifiers and strings (E'' escapes
# included), dollar-quoted bodies and comments. Everything else is scanned a run at a time.
_TOKEN = re.compile(
    r"""
      "(?:[^"]|"")*"                 # quoted identifier
    | [eE]'(?:[^'\\]|\\.|'')*'       # escape string
    | '(?:[^']|'')*'                 # string
    | (?P<dollar>\$(?:[A-Za-z_]\w*)?\$)   # dollar quote opener
    | --[^\n]*                       # line comment
    | /\*.*?\*/                      # block comment (not nested; PostgreSQL allows nesting, rare)
    | ;                              # statement end
    | [^"'$;\-/eE]+                  # plain run
    | .                              # anything else, one character
    """,
    re.S | re.X,
)


def split_statements(text: str) -> list[str]:
    """Statements of TEXT, each stripped and ending with ';'. Empty statements are dropped."""
    statements: list[str] = []
    start = 0
    pos = 0
    length = len(text)
    while pos < length:
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the last alternative matches any character
            break
        token = match.group(0)
        if match.group("dollar"):
            close = text.find(token, match.end())
            pos = length if close < 0 else close + len(token)
            continue
        pos = match.end()
        if token == ";":
            _add(statements, text[start:pos])
            start = pos
    _add(statements, text[start:])
    return statements


def _add(statements: list[str], chunk: str) -> None:
    chunk = chunk.strip()
    if not chunk or chunk == ";" or _only_comments(chunk):
        return
    statements.append(chunk if chunk.endswith(";") else chunk + ";")


def _only_comments(chunk: str) -> bool:
    stripped = re.sub(r"--[^\n]*|/\*.*?\*/", "", chunk, flags=re.S).strip()
    return stripped in ("", ";")


def normalize(statement: str) -> str:
    """Whitespace-insensitive form used to compare offline and live SQL."""
    return " ".join(statement.split())
