"""An in-memory PostgreSQL catalog, built by interpreting the DDL rendered so far.

Offline rendering runs Django's real PostgreSQL schema editor with no server behind it.
When the editor introspects (which constraints cover a column, which sequence a column
owns, whether an extension or collation exists), the answer comes from here. Every
statement rendered before, Django's own DDL and users' RunSQL alike, is interpreted the
way PostgreSQL 15 records it: implicit names follow PostgreSQL's rules (makeObjectName,
ChooseRelationName, ChooseConstraintName, ChooseIndexColumnNames), ALTER TABLE runs its
subcommands in PostgreSQL's passes, and results come back in the order a freshly created
database returns them (pg_constraint in heap order, indexes sorted by name).

A statement PostgreSQL would reject changes nothing, as on the server; statements that
do not touch the modelled catalog (DML, SET, COMMENT, GRANT, functions ...) are ignored.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import partial
from collections.abc import Callable, Iterator
from typing import NamedTuple

log = logging.getLogger(__name__)

NAMEDATALEN = 64  # a PostgreSQL name holds at most NAMEDATALEN - 1 bytes


# --------------------------------------------------------------------------- tokens


class _Tok(NamedTuple):
    kind: str  # "word" (value case-folded), "ident" (quoted), "str", "num", "param", "op"
    value: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<word>(?![EeBbXxNn]'|[Uu]&)[^\W\d][\w$]*)
    | (?P<ident>"(?:[^"]|"")*")
    | (?P<str>'(?:[^']|'')*')
    | (?P<op>::|[(),;\[\]]|\.(?!\d)|(?!--|/\*)[-+*/<>=~!@\#%^&|`?]+)
    | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[Ee][+-]?\d+)?)
    | (?P<comment>--[^\n]*)
    | (?P<estr>[Ee]'(?:[^'\\]|\\.|'')*')
    | (?P<xstr>(?:[BbXxNn]|[Uu]&)'(?:[^']|'')*')
    | (?P<uident>[Uu]&"(?:[^"]|"")*")
    | (?P<block>/\*)
    | (?P<dollar>\$(?:[^\W\d]\w*)?\$)
    | (?P<param>\$\d+)
    | (?P<other>.)
    )""",
    re.VERBOSE | re.DOTALL,
)  # alternatives ordered by frequency: this regex is the hottest code of the catalog
_GROUP = {index: name for name, index in _TOKEN.groupindex.items()}
_KIND = {"str": "str", "num": "num", "estr": "str", "xstr": "str", "param": "param"}
_new_tok = tuple.__new__  # builds a _Tok without NamedTuple's Python-level __new__
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _fold(word: str) -> str:
    """PostgreSQL folds unquoted identifiers to lower case, ASCII letters only."""
    return word.lower() if word.isascii() else word.translate(_ASCII_LOWER)


_COMMENT_MARK = re.compile(r"/\*|\*/")


def _skip_block_comment(src: str, pos: int) -> int:
    """Block comments nest in PostgreSQL."""
    depth = 0
    for mark in _COMMENT_MARK.finditer(src, pos):
        depth += 1 if mark.group() == "/*" else -1
        if depth == 0:
            return mark.end()
    return len(src)


# Statements read in full. Any other statement (INSERT, SELECT, COPY, SET ...) changes neither
# the catalog nor what describe() reads past its first words: its tokens are kept up to the
# first point outside brackets after _HEAD of them, and the rest is only scanned for where it
# ends, so a 30 MB data-loading script stays cheap.
_READ_IN_FULL = frozenset({"create", "alter", "drop", "update", "delete", "truncate", "lock", "comment"})
_HEAD = 8
# Text _statement_end passes over in one regex match: nothing that could end the statement or
# start a comment, strings that cannot be E'' strings (no word right before), and bracket
# pairs holding only such text. Unrolled loops keep backtracking linear; at most 64 pieces
# per match, as a long repetition of alternatives gets slow in re.
_PLAIN = r"""[^'"$;()\[\]/-]"""
_STRING = r"""(?<![\w$&])'[^']*(?:''[^']*)*'"""
_PLAIN_RUN = re.compile(rf"(?:{_PLAIN}+|{_STRING}|\({_PLAIN}*(?:{_STRING}{_PLAIN}*)*\)){{0,64}}")


def _tokenize(src: str) -> tuple[list[_Tok], list[int]]:
    """The tokens, and where the top-level semicolons are.

    One pass of a single regex; block comments and dollar quotes restart it past their end.
    Statements not in _READ_IN_FULL keep only their head (their rest is skipped by
    _statement_end), except in scripts with BEGIN ATOMIC bodies, whose inner statements
    must stay whole for _split_statements.
    """
    toks: list[_Tok] = []
    semicolons: list[int] = []
    append, n, pos, depth = toks.append, len(src), 0, 0
    first, limit = 0, n + 1  # index of the statement's first token; how many tokens to keep
    skipping = "atomic" not in src.lower()
    while pos < n:
        restart = n
        for m in _TOKEN.finditer(src, pos):
            if len(toks) >= limit and depth == 0:  # the head of a statement read no further
                restart = _statement_end(src, m.start())
                if restart < n:
                    semicolons.append(len(toks))
                    append(_Tok("op", ";", restart, restart + 1))
                    restart += 1
                first, limit = len(toks), n + 1
                break
            group = m.lastindex
            start, end = m.span(group)
            text, kind = src[start:end], _GROUP[group]
            if kind == "word":
                text = text.lower() if text.isascii() else _fold(text)
                if len(toks) == first and skipping and text not in _READ_IN_FULL:
                    limit = first + _HEAD
                append(_new_tok(_Tok, ("word", text, start, end)))
            elif kind == "ident" or kind == "uident":
                append(
                    _new_tok(_Tok, ("ident", text[text.index('"') + 1 : -1].replace('""', '"'), start, end))
                )
            elif kind == "op":
                cut = len(text) > 1 and min(
                    (i for i in (text.find("--"), text.find("/*")) if i > 0), default=0
                )
                if cut:  # the operator runs into a comment
                    append(_Tok("op", text[:cut], start, start + cut))
                    restart = start + cut
                    break
                if text == ";":
                    if depth == 0:
                        semicolons.append(len(toks))
                        first, limit = len(toks) + 1, n + 1
                elif text == "(" or text == "[":
                    depth += 1
                elif (text == ")" or text == "]") and depth:
                    depth -= 1
                append(_new_tok(_Tok, ("op", text, start, end)))
            elif kind in _KIND:
                append(_new_tok(_Tok, (_KIND[kind], text, start, end)))
            elif kind == "block":
                restart = _skip_block_comment(src, start)
                break
            elif kind == "dollar":
                close = src.find(text, end)
                restart = n if close < 0 else close + len(text)
                append(_Tok("str", src[start:restart], start, restart))
                break
            elif kind == "other":
                if text in "'\"":  # an unterminated quote swallows the rest, as on the server
                    append(_Tok("str", src[start:], start, n))
                    break
                append(_Tok("op", text, start, end))
        pos = restart
    return toks, semicolons


def _statement_end(src: str, pos: int) -> int:
    """Where the statement running on from POS (a token boundary) ends: at its top-level
    ';', or at the end of SRC. Reads quotes, comments and brackets as _tokenize does,
    without making tokens: plain text goes by in runs."""
    n, depth = len(src), 0
    while True:
        run = pos
        pos = _PLAIN_RUN.match(src, pos).end()
        if pos >= n:
            return n
        char = src[pos]
        if char == ";" and depth == 0:
            return pos
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= depth > 0
        elif src.startswith("--", pos):
            pos = src.find("\n", pos)
            if pos < 0:
                return n
        elif src.startswith("/*", pos):
            pos = _skip_block_comment(src, pos) - 1
        elif char in "'\"$":
            pos = _quoted_end(src, run, pos) - 1
        pos += 1


def _quoted_end(src: str, run: int, at: int) -> int:
    """The end of the token holding the quote or dollar sign at AT.

    What it is (E'...' with backslash escapes, a dollar quote, a $ inside a name, a
    parameter) depends on the word before it, so _TOKEN reads on from that word's start
    (the run of plain text began at RUN, a token boundary).
    """
    start = at
    while start > run and (src[start - 1].isalnum() or src[start - 1] in "_$&"):
        start -= 1
    while True:
        m = _TOKEN.match(src, start)
        group = m.lastindex
        tok_start, end = m.span(group)
        if end <= at:  # a word or number before it
            start = end
            continue
        kind, text = _GROUP[group], src[tok_start:end]
        if kind == "dollar":
            close = src.find(text, end)
            return len(src) if close < 0 else close + len(text)
        if kind == "other" and text in "'\"":  # unterminated: the rest is its string
            return len(src)
        return end


def _split_statements(toks: list[_Tok], semicolons: list[int]) -> Iterator[list[_Tok]]:
    """Split at top-level semicolons; like psql, keep BEGIN ATOMIC function bodies whole."""
    start = 0
    for i in semicolons:
        if i > start and not _in_atomic_body(toks, start, i):
            yield toks[start:i]
            start = i + 1
        elif i == start:
            start = i + 1
    if start < len(toks):
        yield toks[start:]


def _in_atomic_body(toks: list[_Tok], start: int, stop: int) -> bool:
    """Whether a CREATE FUNCTION/PROCEDURE statement is still inside BEGIN ... END at STOP."""
    lead = [t.value for t in toks[start : start + 4] if t.kind == "word"]
    if lead[:1] != ["create"] or not (
        lead[1:2] in (["function"], ["procedure"])
        or lead[1:4] in (["or", "replace", "function"], ["or", "replace", "procedure"])
    ):
        return False
    depth = begin = 0
    for tok in toks[start:stop]:
        if tok.kind == "op" and tok.value in ("(", ")"):
            depth += 1 if tok.value == "(" else -1
        elif tok.kind == "word" and depth == 0:
            if tok.value == "begin" or (tok.value == "case" and begin):
                begin += 1
            elif tok.value == "end" and begin:
                begin -= 1
    return begin > 0


def parse(sql: str) -> list[list[_Tok]]:
    """The statements of SQL as token lists: what Catalog.apply and describe() read, so a
    caller doing both tokenizes once. Empty if the tokenizer fails (it accepts anything:
    this is a safety net)."""
    try:
        return list(_split_statements(*_tokenize(sql)))
    except Exception:
        log.warning("catalog: could not tokenize %.200r", sql, exc_info=True)
        return []


class _Rejected(Exception):
    """PostgreSQL would raise an error for this statement, so it changes nothing."""


class _Cur:
    """A cursor over one statement's tokens (or a parenthesised part of them)."""

    __slots__ = ("toks", "src", "match", "pos", "stop")

    def __init__(self, toks: list[_Tok], src: str, match: dict[int, int], pos: int, stop: int):
        self.toks, self.src, self.match, self.pos, self.stop = toks, src, match, pos, stop

    @classmethod
    def over(cls, toks: list[_Tok], src: str) -> _Cur:
        match: dict[int, int] = {}
        stack: list[int] = []
        for i, tok in enumerate(toks):
            if tok.kind == "op":
                if tok.value in ("(", "["):
                    stack.append(i)
                elif tok.value in (")", "]"):
                    if not stack:
                        raise _Rejected(f"syntax error at {tok.value!r}")
                    match[stack.pop()] = i
        if stack:
            raise _Rejected("unbalanced brackets")
        return cls(toks, src, match, 0, len(toks))

    def _sub(self, start: int, stop: int) -> _Cur:
        return _Cur(self.toks, self.src, self.match, start, stop)

    def at_end(self) -> bool:
        return self.pos >= self.stop

    def peek(self, k: int = 0) -> _Tok | None:
        i = self.pos + k
        return self.toks[i] if i < self.stop else None

    def word(self, k: int = 0) -> str | None:
        tok = self.peek(k)
        return tok.value if tok is not None and tok.kind == "word" else None

    def is_op(self, op: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok.kind == "op" and tok.value == op

    def take(self, *words: str) -> bool:
        """Consume WORDS (unquoted keywords) if they come next."""
        pos, toks = self.pos, self.toks
        if pos < self.stop and toks[pos].value != words[0]:  # the common, quick answer
            return False
        if pos + len(words) > self.stop:
            return False
        for k, word in enumerate(words):
            tok = toks[pos + k]
            if tok.value != word or tok.kind != "word":
                return False
        self.pos = pos + len(words)
        return True

    def take_op(self, op: str) -> bool:
        if self.is_op(op):
            self.pos += 1
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.take(*words):
            raise _Rejected(f"expected {' '.join(words).upper()}")

    def next(self) -> _Tok:
        if self.pos >= self.stop:
            raise _Rejected("unexpected end of statement")
        self.pos += 1
        return self.toks[self.pos - 1]

    def skip(self) -> None:
        """Step over one token, or over a whole bracketed group."""
        tok = self.next()
        if tok.kind == "op" and tok.value in ("(", "["):
            self.pos = self.match[self.pos - 1] + 1

    def ident(self) -> str:
        tok = self.next()
        if tok.kind not in ("word", "ident"):
            raise _Rejected(f"expected a name, found {tok.value!r}")
        return _truncate(tok.value)

    def is_name(self, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok.kind in ("word", "ident")

    def qualified(self) -> tuple[str | None, str]:
        """A possibly schema-qualified name, as (schema, name)."""
        parts = [self.ident()]
        while self.is_op(".") and self.is_name(1):
            self.pos += 1
            parts.append(self.ident())
        return (parts[-2] if len(parts) > 1 else None), parts[-1]

    def group(self) -> _Cur:
        """Consume a parenthesised group; return a cursor over its contents."""
        if not self.is_op("("):
            raise _Rejected("expected (")
        close = self.match[self.pos]
        inner = self._sub(self.pos + 1, min(close, self.stop))
        self.pos = close + 1
        return inner

    def items(self) -> list[_Cur]:
        """Split the rest at top-level commas."""
        out, start, i = [], self.pos, self.pos
        while i < self.stop:
            tok = self.toks[i]
            if tok.kind == "op":
                if tok.value in ("(", "["):
                    i = self.match[i]
                elif tok.value == ",":
                    out.append(self._sub(start, i))
                    start = i + 1
            i += 1
        if start < self.stop:
            out.append(self._sub(start, self.stop))
        self.pos = self.stop
        return out

    def rest(self) -> _Cur:
        sub = self._sub(self.pos, self.stop)
        self.pos = self.stop
        return sub

    def tokens(self) -> list[_Tok]:
        return self.toks[self.pos : self.stop]

    def text(self) -> str:
        if self.pos >= self.stop:
            return ""
        return self.src[self.toks[self.pos].start : self.toks[self.stop - 1].end]


# --------------------------------------------------------------------------- names


def _clip(name: str, limit: int) -> str:
    """The longest prefix of NAME within LIMIT bytes that ends on a character boundary."""
    raw = name.encode()
    return name if len(raw) <= limit else raw[:limit].decode("utf-8", "ignore")


def _truncate(name: str) -> str:
    """PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes."""
    return name if len(name) < 16 else _clip(name, NAMEDATALEN - 1)


def _make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: shorten the longer part until name1_name2_label fits."""
    chars1 = len(name1.encode())
    chars2 = len(name2.encode()) if name2 is not None else 0
    available = NAMEDATALEN - 1 - len(label) - 1 - (name2 is not None)
    while chars1 + chars2 > available:
        if chars1 > chars2:
            chars1 -= 1
        else:
            chars2 -= 1
    name = _clip(name1, chars1)
    if name2 is not None:
        name += "_" + _clip(name2, chars2)
    return f"{name}_{label}"


def _name_addition(names: list[str]) -> str:
    """ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition."""
    buf = b""
    for name in names:
        if buf:
            buf += b"_"
        buf += name.encode()
        if len(buf) >= NAMEDATALEN:
            break
    return buf.decode()


def _index_column_names(names: list[str]) -> list[str]:
    """ChooseIndexColumnNames: repeated names get a numeric suffix (a, a1, a2 ...)."""
    result: list[str] = []
    for original in names:
        name, n = original, 0
        while name in result:
            n += 1
            name = _clip(original, NAMEDATALEN - 1 - len(str(n))) + str(n)
        result.append(name)
    return result


# --------------------------------------------------------------------------- expressions

# Reserved and type/function-name keywords: never column references when unquoted.
_RESERVED = frozenset(
    """all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user some
    symmetric system_user table then to trailing true union unique user using variadic when where
    window with authorization binary collation concurrently cross current_schema freeze full ilike
    inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose
    between""".split()
)
_TYPE_CONTINUATION = frozenset({"varying", "precision", "with", "without", "time", "zone"})
# Words that make an expression an operator expression, which has no column name.
_OPERATOR_WORDS = frozenset(
    {"and", "or", "not", "is", "isnull", "notnull", "between", "in", "like", "ilike", "similar"}
    | {"overlaps", "escape"}
)
_TYPE_LABELS = {
    "int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8", "real": "float4",
    "float": "float8", "double precision": "float8", "boolean": "bool", "decimal": "numeric",
    "dec": "numeric", "char": "bpchar", "character": "bpchar", "nchar": "bpchar",
    "national character": "bpchar", "character varying": "varchar", "char varying": "varchar",
    "national character varying": "varchar", "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz", "time without time zone": "time",
    "time with time zone": "timetz", "bit varying": "varbit",
}  # fmt: skip


def _closing_paren(toks: list[_Tok]) -> int:
    """Index of the parenthesis closing toks[0]."""
    depth = 0
    for i, tok in enumerate(toks):
        if tok.kind == "op" and tok.value in ("(", ")"):
            depth += 1 if tok.value == "(" else -1
            if depth == 0:
                return i
    return len(toks)


def _strip_parens(toks: list[_Tok]) -> list[_Tok]:
    while len(toks) >= 2 and toks[0].kind == "op" and toks[0].value == "(":
        if _closing_paren(toks) != len(toks) - 1:
            break
        toks = toks[1:-1]
    return toks


def _type_label(toks: list[_Tok]) -> str:
    """The name a type cast gives a column: the type's internal name (int4, timestamptz ...)."""
    words, depth, modifier = [], 0, None
    for tok in toks:
        if tok.kind == "op" and tok.value in ("(", "["):
            depth += 1
        elif tok.kind == "op" and tok.value in (")", "]"):
            depth -= 1
        elif depth == 0 and tok.kind in ("word", "ident"):
            words.append(tok.value)
        elif depth == 1 and tok.kind == "num" and modifier is None:
            modifier = tok.value
    if words == ["float"] and modifier is not None and modifier.isdigit() and int(modifier) <= 24:
        return "float4"
    key = " ".join(words)
    if key.startswith(("interval", "timestamp", "time")) and key not in _TYPE_LABELS:
        key = words[0]
    return _TYPE_LABELS.get(key, words[-1] if words else "expr")


def _figure_colname(toks: list[_Tok]) -> tuple[str | None, int]:
    """FigureColnameInternal on an index expression: (name, strength) or (None, 0)."""
    toks = _strip_parens(toks)
    casts: list[int] = []
    collate = None
    depth = 0
    for i, tok in enumerate(toks):
        if tok.kind == "op":
            if tok.value in ("(", "["):
                depth += 1
            elif tok.value in (")", "]"):
                depth -= 1
            elif depth == 0 and tok.value == "::":
                casts.append(i)
            elif depth == 0 and tok.value != ".":
                return None, 0
        elif tok.kind == "word" and tok.value in ("case", "end"):
            depth += 1 if tok.value == "case" else -1
        elif depth == 0 and tok.kind == "word":
            if tok.value in _OPERATOR_WORDS:
                return None, 0
            if tok.value == "at" and [t.value for t in toks[i + 1 : i + 3]] == ["time", "zone"]:
                return "timezone", 2
            if tok.value == "collate" and collate is None:
                collate = i
    if collate is not None:
        return _figure_colname(toks[:collate])
    if casts:
        name, strength = _figure_colname(toks[: casts[0]])
        for n, at in enumerate(casts):
            if strength <= 1:
                end = casts[n + 1] if n + 1 < len(casts) else len(toks)
                name, strength = _type_label(toks[at + 1 : end]), 1
        return name, strength
    return _figure_term(toks)


def _figure_term(toks: list[_Tok]) -> tuple[str | None, int]:
    """FigureColnameInternal on a single term: column, function call, CASE, literal ..."""
    if not toks:
        return None, 0
    first = toks[0]
    if first.kind == "word":
        if first.value == "case":
            return "case", 1
        if first.value in ("array", "row"):
            return first.value, 2
        if first.value in ("true", "false", "null"):
            return None, 0
        if len(toks) > 1 and toks[1].kind == "str":  # typed literal: date '2020-01-01'
            return _type_label(toks[:1]), 1
    if first.kind not in ("word", "ident"):
        if first.kind == "op" and first.value == "(":  # (expr).field or (expr)[i]
            last = toks[-1]
            if len(toks) > 2 and toks[-2].value == "." and last.kind in ("word", "ident"):
                return last.value, 2
            return _figure_colname(toks[1 : _closing_paren(toks)])
        return None, 0
    i = 0
    while i + 2 < len(toks) and toks[i + 1].value == "." and toks[i + 2].kind in ("word", "ident"):
        i += 2
    name = toks[i].value
    if i + 1 < len(toks) and toks[i + 1].value == "(":
        if toks[i].kind == "word" and name == "trim":
            inner = toks[i + 2 : i + 3]
            side = inner[0].value if inner and inner[0].kind == "word" else ""
            return {"leading": "ltrim", "trailing": "rtrim"}.get(side, "btrim"), 2
        if toks[i].kind == "word" and name == "cast":
            return _figure_cast(toks[i + 2 : -1])
    return name, 2


def _figure_cast(inner: list[_Tok]) -> tuple[str | None, int]:
    depth = 0
    for i, tok in enumerate(inner):
        if tok.kind == "op" and tok.value in ("(", ")"):
            depth += 1 if tok.value == "(" else -1
        elif depth == 0 and tok.kind == "word" and tok.value == "as":
            name, strength = _figure_colname(inner[:i])
            return (name, strength) if strength > 1 else (_type_label(inner[i + 1 :]), 1)
    return None, 0


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    attnum: int
    generated_from: frozenset[int] = frozenset()  # columns a stored generated column reads
    type: str | None = None  # as written in the DDL (the classifier normalises it)
    not_null: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    oid: int
    name: str
    keys: tuple[int | None, ...]  # key columns then INCLUDE columns; None for an expression
    nkeys: int
    descending: tuple[bool, ...]
    depends: frozenset[int]  # every column used: keys, INCLUDE, expressions, predicate
    method: str = "btree"
    unique: bool = False
    primary: bool = False
    immediate: bool = True
    partial: bool = False
    definition: str | None = None  # set when a key is an expression, as pg_get_indexdef
    options: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # "p" primary key, "u" unique, "x" exclusion, "c" check, "f" foreign key
    columns: tuple[int, ...]  # conkey as introspection reports it
    depends: frozenset[int]  # columns whose DROP drops it too (its index may need more)
    created: int  # when its dependencies were recorded; ALTER COLUMN TYPE rebuilds in this order
    index: Index | None = None
    ref_table: int | None = None
    ref_columns: tuple[int, ...] = ()
    ref_index: int | None = None
    validated: bool = True
    deferrable: bool = False
    deferred: bool = False
    check: str | None = None  # a CHECK constraint's expression, as written


@dataclass(frozen=True, slots=True)
class Sequence:
    oid: int
    name: str
    owner: tuple[int, int] | None = None  # (table oid, attnum) of OWNED BY
    identity: bool = False
    in_default: bool = False  # a serial column's DEFAULT nextval(...) depends on it


@dataclass(slots=True)
class Table:
    """One table. Copy-on-write: a statement clones a table before its first change."""

    oid: int
    name: str
    stamp: object
    columns: dict[int, Column] = field(default_factory=dict)
    attnums: dict[str, int] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)  # pg_constraint heap order
    indexes: dict[str, Index] = field(default_factory=dict)  # indexes backing no constraint
    next_attnum: int = 1
    reloptions: tuple[str, ...] | None = None
    open_columns: bool = False  # columns unknown (CREATE TABLE AS ...): any name resolves

    def clone(self, stamp: object) -> Table:
        return Table(
            self.oid, self.name, stamp, dict(self.columns), dict(self.attnums),
            list(self.constraints), dict(self.indexes), self.next_attnum, self.reloptions,
            self.open_columns,
        )  # fmt: skip

    def constraint(self, name: str) -> Constraint | None:
        return next((c for c in self.constraints if c.name == name), None)

    def all_indexes(self) -> list[Index]:
        backing = [c.index for c in self.constraints if c.index is not None]
        return sorted(backing + list(self.indexes.values()), key=lambda i: i.oid)


# --------------------------------------------------------------------------- parsed DDL


@dataclass(slots=True)
class _Elem:
    """One key of an index or exclusion constraint."""

    column: str | None
    expr: _Cur | None
    label: str  # what ChooseIndexColumnNames starts from
    text: str
    descending: bool = False


@dataclass(slots=True)
class _ConDef:
    kind: str
    name: str | None = None
    elems: list[_Elem] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # FOREIGN KEY columns
    expr: _Cur | None = None  # CHECK expression, EXCLUDE predicate
    exclude_ops: tuple[str, ...] = ()
    method: str = "btree"
    options: tuple[str, ...] | None = None
    ref: str | None = None  # referenced table; None when outside the public schema
    ref_columns: list[str] | None = None
    using_index: str | None = None
    nulls_not_distinct: bool = False
    deferrable: bool = False
    deferred: bool = False
    validated: bool = True

    def same_index(self, other: _ConDef) -> bool:
        """transformIndexConstraints merges index constraints that would build the same index."""
        return (
            [e.text for e in self.elems] == [e.text for e in other.elems]
            and self.include == other.include
            and (self.expr and self.expr.text()) == (other.expr and other.expr.text())
            and (self.exclude_ops, self.method, self.nulls_not_distinct)
            == (other.exclude_ops, other.method, other.nulls_not_distinct)
            and (self.deferrable, self.deferred) == (other.deferrable, other.deferred)
            and self.using_index is None
            and other.using_index is None
        )


@dataclass(slots=True)
class _ColDef:
    name: str
    type: str | None = None
    not_null: bool = False
    default: str | None = None
    serial: bool = False
    identity: bool = False
    sequence_name: str | None = None
    generated: _Cur | None = None
    constraints: list[_ConDef] = field(default_factory=list)


_COLUMN_STOP = frozenset(
    {"constraint", "not", "null", "default", "primary", "unique", "check", "references"}
    | {"generated", "collate", "deferrable", "initially", "compression", "storage"}
)
_ATTRIBUTE_START = frozenset({"deferrable", "initially", "no"})
_TABLE_CONSTRAINT = frozenset({"constraint", "check", "unique", "primary", "foreign", "exclude"})
_SERIAL = frozenset({"smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"})
_FALSE = frozenset({"false", "off", "no", "0", "f", "n"})


def _unquote(tok: _Tok) -> str:
    text = tok.value
    if tok.kind != "str":
        return text
    if text.startswith("$"):
        tag = text[: text.index("$", 1) + 1]
        return text[len(tag) : -len(tag)]
    body = text[text.index("'") + 1 : -1].replace("''", "'")
    if text[0] in "Ee":
        body = re.sub(r"\\(.)", r"\1", body)
    return body


def _option_value(cur: _Cur) -> str:
    """How a reloption value is stored: as written, integers normalised, strings unquoted."""
    sign = "-" if cur.take_op("-") else ""
    tok = cur.next()
    if tok.kind == "num" and tok.value.isdigit() and int(tok.value) < 2**31:
        return sign + str(int(tok.value))
    return sign + _unquote(tok)


def _parse_options(cur: _Cur) -> list[tuple[str, str]]:
    options = []
    for item in cur.group().items():
        parts = [item.ident()]
        while item.take_op("."):
            parts.append(item.ident())
        options.append((".".join(parts), _option_value(item) if item.take_op("=") else "true"))
    return options


def _merge_options(
    old: tuple[str, ...] | None, names: list[str], values: list[tuple[str, str]]
) -> tuple[str, ...] | None:
    """transformRelOptions: keep the old options not named, then append the new ones."""
    kept = [o for o in old or () if o.split("=", 1)[0] not in names]
    merged = tuple(kept + [f"{n}={v}" for n, v in values])
    return merged or None


def _table_options(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """toast.* options belong to the TOAST table; oids=false is accepted and dropped."""
    return [(n, v) for n, v in options if "." not in n and n != "oids"]


def _parse_elem(cur: _Cur, exclusion: bool) -> tuple[_Elem, str | None]:
    """An index key: column, (expression) or function call, then COLLATE/opclass/ASC/DESC."""
    text = cur.text()
    if cur.is_op("("):
        inner = cur.group()
        column = _lone_column(inner.tokens())
        elem = (
            _Elem(column, None, column, text)
            if column is not None
            else _Elem(None, inner, _figure_colname(inner.tokens())[0] or "expr", text)
        )
    elif cur.is_name() and _call_follows(cur):
        start = cur.pos
        cur.qualified()
        cur.group()
        expr = cur._sub(start, cur.pos)
        elem = _Elem(None, expr, _figure_colname(expr.tokens())[0] or "expr", text)
    else:
        column = cur.ident()
        elem = _Elem(column, None, column, text)
    operator = None
    while not cur.at_end():
        if cur.take("collate"):
            cur.qualified()
        elif cur.take("asc"):
            elem.descending = False
        elif cur.take("desc"):
            elem.descending = True
        elif cur.take("nulls"):
            cur.next()
        elif exclusion and cur.take("with"):
            operator = cur.rest().text()
        elif cur.is_name():
            cur.qualified()  # operator class, maybe with parameters
            if cur.is_op("("):
                cur.group()
        else:
            cur.skip()
    return elem, operator


def _call_follows(cur: _Cur) -> bool:
    k = 0
    while cur.is_op(".", k + 1) and cur.is_name(k + 2):
        k += 2
    return cur.is_op("(", k + 1)


def _lone_column(toks: list[_Tok]) -> str | None:
    """(col) and (col COLLATE x) index a plain column, not an expression."""
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.value == "collate":
            toks = toks[:i]
            break
    names = toks[::2]
    if not names or any(t.kind not in ("word", "ident") for t in names):
        return None
    if any(t.kind != "op" or t.value != "." for t in toks[1::2]):
        return None
    last = names[-1]
    if last.kind == "word" and last.value in _RESERVED:
        return None
    return _truncate(last.value)


def _constraint_attribute(cur: _Cur, d: _ConDef) -> bool:
    """DEFERRABLE, INITIALLY ..., NOT VALID, NO INHERIT after a constraint."""
    if cur.take("deferrable"):
        d.deferrable = True
    elif cur.take("not", "deferrable"):
        d.deferrable = False
    elif cur.take("initially", "deferred"):
        d.deferred = d.deferrable = True
    elif cur.take("initially", "immediate"):
        d.deferred = False
    elif cur.take("not", "valid"):
        d.validated = False
    elif not cur.take("no", "inherit"):
        return False
    return True


def _index_parameters(cur: _Cur, d: _ConDef) -> None:
    while True:
        if cur.take("include"):
            d.include = [item.ident() for item in cur.group().items()]
        elif cur.word() == "with" and cur.is_op("(", 1):
            cur.pos += 1
            d.options = tuple(f"{n}={v}" for n, v in _parse_options(cur)) or None
        elif cur.take("using", "index", "tablespace"):
            cur.ident()
        else:
            return


def _nulls_distinct(cur: _Cur, d: _ConDef) -> None:
    if cur.take("nulls", "not", "distinct"):
        d.nulls_not_distinct = True
    else:
        cur.take("nulls", "distinct")


def _references(cur: _Cur, d: _ConDef) -> None:
    schema, name = cur.qualified()
    d.ref = name if schema in (None, "public") else None
    if cur.is_op("("):
        d.ref_columns = [item.ident() for item in cur.group().items()]
    while True:
        if cur.take("match"):
            cur.next()
        elif cur.take("on"):
            cur.next()  # DELETE / UPDATE
            if cur.take("no", "action") or cur.take("restrict") or cur.take("cascade"):
                continue
            cur.expect("set")
            cur.next()  # NULL / DEFAULT
            if cur.is_op("("):
                cur.group()
        else:
            return


def _key_columns(cur: _Cur, d: _ConDef) -> None:
    if cur.take("using", "index"):
        d.using_index = cur.ident()
        return
    d.elems = [_Elem(c, None, c, c) for c in (item.ident() for item in cur.group().items())]
    _index_parameters(cur, d)


def _parse_table_constraint(cur: _Cur) -> _ConDef:
    name = cur.ident() if cur.take("constraint") else None
    if cur.take("check"):
        d = _ConDef("c", name, expr=cur.group())
    elif cur.take("unique"):
        d = _ConDef("u", name)
        _nulls_distinct(cur, d)
        _key_columns(cur, d)
    elif cur.take("primary", "key"):
        d = _ConDef("p", name)
        _key_columns(cur, d)
    elif cur.take("exclude"):
        d = _ConDef("x", name)
        if cur.take("using"):
            d.method = cur.ident()
        parsed = [_parse_elem(item, exclusion=True) for item in cur.group().items()]
        d.elems = [elem for elem, _ in parsed]
        d.exclude_ops = tuple(op or "" for _, op in parsed)
        _index_parameters(cur, d)
        if cur.take("where"):
            d.expr = cur.group()
    elif cur.take("foreign", "key"):
        d = _ConDef("f", name, columns=[item.ident() for item in cur.group().items()])
        cur.expect("references")
        _references(cur, d)
    else:
        raise _Rejected("unknown table constraint")
    while _constraint_attribute(cur, d):
        pass
    return d


def _identity_sequence_name(cur: _Cur) -> str | None:
    """GENERATED ... AS IDENTITY (SEQUENCE NAME x ...)."""
    if not cur.is_op("("):
        return None
    options = cur.group()
    while not options.at_end():
        if options.take("sequence", "name"):
            return options.qualified()[1]
        options.skip()
    return None


def _parse_column(cur: _Cur) -> _ColDef:
    col = _ColDef(cur.ident())
    type_words, array = [], False
    type_start = cur.pos
    while not cur.at_end() and cur.word() not in _COLUMN_STOP:
        tok = cur.peek()
        array |= tok.kind == "op" and tok.value == "["
        if tok.kind == "word":
            type_words.append(tok.value)
        cur.skip()
    col.type = cur._sub(type_start, cur.pos).text() or None
    col.serial = len(type_words) == 1 and type_words[0] in _SERIAL and not array
    last = _ConDef("")  # attributes after a constraint without them are ignored
    while not cur.at_end():
        name = cur.ident() if cur.take("constraint") else None
        word = cur.word()
        if word == "not" and cur.word(1) in ("deferrable", "valid") or word in _ATTRIBUTE_START:
            if not _constraint_attribute(cur, last):
                cur.skip()
            continue
        cur.skip()
        d = None
        if word == "not":
            cur.expect("null")
            col.not_null = True
        elif word == "null":
            col.not_null = False
        elif word == "default":
            start = cur.pos
            _skip_default(cur)
            col.default = cur._sub(start, cur.pos).text() or None
        elif word == "primary":
            cur.expect("key")
            col.not_null = True
            d = _ConDef("p", name, elems=[_Elem(col.name, None, col.name, col.name)])
            _index_parameters(cur, d)
        elif word == "unique":
            d = _ConDef("u", name, elems=[_Elem(col.name, None, col.name, col.name)])
            _nulls_distinct(cur, d)
            _index_parameters(cur, d)
        elif word == "check":
            d = _ConDef("c", name, expr=cur.group())
        elif word == "references":
            d = _ConDef("f", name, columns=[col.name])
            _references(cur, d)
        elif word == "generated":
            _generated(cur, col)
        elif word == "collate":
            cur.qualified()
        elif word in ("compression", "storage"):
            cur.next()
        if d is not None:
            col.constraints.append(d)
            last = d
    return col


def _generated(cur: _Cur, col: _ColDef) -> None:
    """GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(...)] or GENERATED ALWAYS AS (expr) STORED."""
    cur.take("always") or cur.take("by", "default")
    cur.expect("as")
    if cur.take("identity"):
        col.identity = True
        col.sequence_name = _identity_sequence_name(cur)
    else:
        col.generated = cur.group()
        cur.take("stored")


def _skip_default(cur: _Cur) -> None:
    """DEFAULT b_expr: runs until the next column constraint keyword."""
    cur.skip()
    while not cur.at_end():
        word = cur.word()
        if word in _COLUMN_STOP and not (word == "not" and cur.word(-1) == "is"):
            return
        cur.skip()


def _final_index_list(defs: list[_ConDef]) -> list[_ConDef]:
    """transformIndexConstraints: the primary key first, duplicate definitions merged."""
    primary = [d for d in defs if d.kind == "p"]
    if len(primary) > 1:
        raise _Rejected("multiple primary keys are not allowed")
    final = list(primary)
    for d in defs:
        if d.kind == "p":
            continue
        prior = next((p for p in final if p.same_index(d)), None)
        if prior is None:
            final.append(d)
        elif d.name is not None:
            prior.name = d.name
    return final


# ALTER TABLE passes (tablecmds.c): subcommands run by pass, not in written order.
(
    _PASS_DROP, _PASS_ALTER_TYPE, _PASS_OLD_INDEX, _PASS_OLD_CONSTR, _PASS_ADD_COL,
    _PASS_ADD_CONSTR, _PASS_COL_ATTRS, _PASS_ADD_INDEXCONSTR, _PASS_ADD_INDEX,
    _PASS_ADD_OTHERCONSTR, _PASS_MISC,
) = range(11)  # fmt: skip


class _Plan:
    def __init__(self) -> None:
        self.passes: list[list[Callable[[], None]]] = [[] for _ in range(11)]
        self.rebuilt: set[tuple[int, str]] = set()

    def at(self, when: int, action: Callable[[], None]) -> None:
        self.passes[when].append(action)

    def run(self) -> None:
        for actions in self.passes:
            for action in actions:
                action()


_BUILTIN_COLLATIONS = frozenset(
    {"default", "C", "POSIX", "ucs_basic", "unicode", "pg_c_utf8", "pg_unicode_fast"}
)
_LOCALE_NAME = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?(\.[\w-]+)?(@\w+)?|C\.[\w-]+")
_EXTENSION_REQUIRES = {"earthdistance": ("cube",)}
_MISSING = object()
_STATE = (
    "_tables", "_table_names", "_relations", "_connames", "_sequences", "_incoming", "_owned",
    "_extensions", "_collations",
)  # fmt: skip


# --------------------------------------------------------------------------- catalog


class Catalog:
    """What a PostgreSQL database would hold after every statement applied so far.

    Only the public schema is modelled (what Django's introspection sees); temporary
    objects and other schemas are ignored.
    """

    def __init__(self) -> None:
        self._tables: dict[str, Table] = {}
        self._table_names: dict[int, str] = {}  # table oid -> name
        # Relations share one namespace: name -> (kind, owning table oid or 0).
        self._relations: dict[str, tuple[str, int]] = {}
        self._connames: dict[str, int] = {}  # constraint name -> uses in the schema
        self._sequences: dict[str, Sequence] = {}
        self._incoming: dict[int, tuple[int, ...]] = {}  # table oid -> tables of FKs to it, per FK
        self._owned: dict[int, tuple[str, ...]] = {}  # table oid -> sequences its columns own
        self._extensions: dict[str, None] = {"plpgsql": None}
        self._collations: dict[str, bool] = {}
        self._next_oid = 1
        self._stamp = object()
        self._undo: list[tuple[dict, object, object]] = []

    # ----------------------------------------------------------------- public API

    def apply(self, statement: str, parsed: list[list[_Tok]] | None = None) -> None:
        """Interpret one SQL string, which may hold several ';'-separated statements;
        PARSED is its parse() when the caller already has it."""
        for toks in parse(statement) if parsed is None else parsed:
            self._apply_statement(statement, toks)

    def get_constraints(self, table: str) -> dict:
        """Like DatabaseIntrospection.get_constraints on a fresh PostgreSQL database."""
        t = self._tables.get(table)
        if t is None:
            return {}
        names = {a: c.name for a, c in t.columns.items()}
        options = list(t.reloptions) if t.reloptions is not None else None
        result: dict[str, dict] = {}
        for con in t.constraints:
            ref = None
            if con.kind == "f":
                target = self._tables[self._table_names[con.ref_table]]
                ref = (target.name, target.columns[con.ref_columns[0]].name)
            result[con.name] = {
                "columns": [names[a] for a in con.columns],
                "primary_key": con.kind == "p",
                "unique": con.kind in ("p", "u"),
                "foreign_key": ref,
                "check": con.kind == "c",
                "index": False,
                "definition": None,
                "options": None if options is None else list(options),
            }
        for index in sorted(t.indexes.values(), key=lambda i: i.name.encode()):
            if index.name in result:
                continue
            btree = index.method == "btree"
            columns = [None if a is None else names[a] for a in index.keys]
            orders = [
                ("DESC" if i < index.nkeys and index.descending[i] else "ASC") if btree else None
                for i in range(len(index.keys))
            ]
            basic = btree and not index.name.endswith("_btree") and index.options is None
            result[index.name] = {
                "columns": columns if columns != [None] else [],
                "orders": orders if orders != [None] else [],
                "primary_key": index.primary,
                "unique": index.unique,
                "foreign_key": None,
                "check": False,
                "index": True,
                "type": "idx" if basic else index.method,
                "definition": index.definition,
                "options": None if index.options is None else list(index.options),
            }
        return result

    def get_sequences(self, table: str) -> list[dict]:
        """Like DatabaseIntrospection.get_sequences: sequences owned by the table's columns."""
        t = self._tables.get(table)
        if t is None:
            return []
        return [
            {"name": s.name, "table": table, "column": t.columns[s.owner[1]].name}
            for s in sorted(self._owned_by(t.oid), key=lambda s: s.oid)
        ]

    def extension_exists(self, name: str) -> bool:
        return name in self._extensions

    def collation_deterministic(self, name: str) -> bool | None:
        """Like the schema editor's _is_collation_deterministic; None for an unknown name."""
        if name in self._collations:
            return self._collations[name]
        if name in _BUILTIN_COLLATIONS or name.endswith("-x-icu") or _LOCALE_NAME.fullmatch(name):
            return True
        return None

    def table_exists(self, table: str) -> bool:
        return table in self._tables

    # ----------------------------------------------------------------- for the classifier

    def column(self, table: str, name: str) -> Column | None:
        t = self._tables.get(table)
        attnum = t.attnums.get(name) if t is not None else None
        return t.columns[attnum] if attnum is not None else None

    def constraint(self, table: str, name: str) -> Constraint | None:
        t = self._tables.get(table)
        return t.constraint(name) if t is not None else None

    def referenced_table(self, constraint: Constraint) -> str | None:
        return self._table_names.get(constraint.ref_table) if constraint.ref_table else None

    def referencing_tables(self, table: str) -> list[str]:
        """Other tables with a foreign key to TABLE (a DROP ... CASCADE reaches them)."""
        t = self._tables.get(table)
        if t is None:
            return []
        names = {self._table_names[oid] for oid, _ in self._referencing(t.oid) if oid != t.oid}
        return sorted(names)

    def referenced_tables(self, table: str) -> list[str]:
        """Tables TABLE's foreign keys point at (dropping TABLE removes their triggers)."""
        t = self._tables.get(table)
        if t is None:
            return []
        names = {self._table_names.get(c.ref_table) for c in t.constraints if c.kind == "f"}
        return sorted(n for n in names if n and n != table)

    def index_table(self, index: str) -> str | None:
        kind, oid = self._relations.get(index, (None, 0))
        return self._table_names.get(oid) if kind == "index" else None

    def proven_not_null(self, table: str, column: str) -> bool:
        """A validated CHECK (column IS NOT NULL) exists: SET NOT NULL can skip its scan."""
        t = self._tables.get(table)
        if t is None:
            return False
        wanted = f"{column.lower()}isnotnull"
        for con in t.constraints:
            if con.kind == "c" and con.validated and con.check:
                text = "".join(ch for ch in con.check.lower() if ch not in '"() \t\n')
                if text == wanted:
                    return True
        return False

    def tables(self) -> list[str]:
        return [t.name for t in sorted(self._tables.values(), key=lambda t: t.oid)]

    def copy(self) -> Catalog:
        """An independent snapshot: O(number of objects) dict copies; tables are shared
        until either side changes them (every statement clones a table before its first write)."""
        other = Catalog.__new__(Catalog)
        for name in _STATE:
            setattr(other, name, getattr(self, name).copy())
        other._next_oid = self._next_oid
        other._stamp, other._undo = object(), []
        return other

    # ----------------------------------------------------------------- machinery

    def _apply_statement(self, src: str, toks: list[_Tok]) -> None:
        if toks[0].kind != "word" or toks[0].value not in ("create", "alter", "drop"):
            return  # DML, SET, GRANT ...: nothing the catalog models
        self._stamp, self._undo = object(), []
        try:
            self._dispatch(_Cur.over(toks, src))
        except _Rejected as exc:
            log.debug("catalog: rejected %.200r: %s", src[toks[0].start : toks[-1].end], exc)
            self._rollback()
        except Exception:
            log.warning(
                "catalog: could not interpret %.200r", src[toks[0].start : toks[-1].end], exc_info=True
            )
            self._rollback()
        self._undo = []

    def _set(self, mapping: dict, key: object, value: object) -> None:
        self._undo.append((mapping, key, mapping.get(key, _MISSING)))
        mapping[key] = value

    def _del(self, mapping: dict, key: object) -> None:
        self._undo.append((mapping, key, mapping.pop(key, _MISSING)))

    def _bump(self, counts: dict, key: object, delta: int) -> None:
        value = counts.get(key, 0) + delta
        if value:
            self._set(counts, key, value)
        else:
            self._del(counts, key)

    def _rollback(self) -> None:
        for mapping, key, old in reversed(self._undo):
            if old is _MISSING:
                mapping.pop(key, None)
            else:
                mapping[key] = old

    def _oid(self) -> int:
        self._next_oid += 1
        return self._next_oid

    def _wt(self, oid: int) -> Table:
        """The table, writable in this statement (cloned on first write)."""
        name = self._table_names[oid]
        t = self._tables[name]
        if t.stamp is not self._stamp:
            t = t.clone(self._stamp)
            self._set(self._tables, name, t)
        return t

    def _table_oid(self, name: str) -> int:
        t = self._tables.get(name)
        if t is None:
            raise _Rejected(f'relation "{name}" does not exist')
        return t.oid

    @staticmethod
    def _relname(cur: _Cur) -> str | None:
        """A relation name in the public schema; None for other schemas (not modelled)."""
        schema, name = cur.qualified()
        return name if schema in (None, "public") else None

    def _attnum(self, t: Table, name: str) -> int:
        attnum = t.attnums.get(name)
        if attnum is not None:
            return attnum
        if t.open_columns:
            return self._new_column(self._wt(t.oid), name)
        raise _Rejected(f'column "{name}" of relation "{t.name}" does not exist')

    @staticmethod
    def _new_column(t: Table, name: str) -> int:
        if name in t.attnums:
            raise _Rejected(f'column "{name}" specified more than once')
        attnum = t.next_attnum
        t.next_attnum += 1
        t.columns[attnum] = Column(name, attnum)
        t.attnums[name] = attnum
        return attnum

    def _expr_columns(self, t: Table, cur: _Cur | None) -> list[int]:
        """Columns an expression reads, in order of appearance (as pull_var_clause finds them)."""
        found: dict[int, None] = {}
        if cur is None:
            return []
        toks, in_type, prev = cur.toks, False, None
        for i in range(cur.pos, cur.stop):
            tok = toks[i]
            if tok.kind == "op":
                if tok.value == "::":
                    in_type = True
                elif tok.value not in ("(", ")", "[", "]", "."):
                    in_type = False
                prev = tok
                continue
            if tok.kind not in ("word", "ident"):
                prev = tok
                continue
            word = tok.value if tok.kind == "word" else None
            after = prev.value if prev is not None else None
            if in_type and (after in ("::", ".", "as") or word in _TYPE_CONTINUATION):
                prev = tok
                continue
            in_type = word == "as"
            nxt = toks[i + 1] if i + 1 < cur.stop else None
            if not (
                (nxt is not None and (nxt.kind == "str" or (nxt.kind == "op" and nxt.value in ("(", "."))))
                or word in _RESERVED
                or after == "collate"
                or (word == "time" and after == "at")
                or (word == "zone" and after == "time")
            ):
                attnum = t.attnums.get(tok.value)
                if attnum is None and (t.open_columns or (word is None and after != ".")):
                    attnum = self._attnum(t, tok.value)  # a quoted name can only be a column
                if attnum is not None:
                    found[attnum] = None
            prev = tok
        return list(found)

    # ----------------------------------------------------------------- naming

    def _choose_relation_name(self, name1: str, name2: str | None, label: str, constraint: bool) -> str:
        """ChooseRelationName: free as a relation (and, for constraints, as a constraint)."""
        n, suffix = 0, label
        while True:
            name = _make_object_name(name1, name2, suffix)
            if name not in self._relations and not (constraint and name in self._connames):
                return name
            n += 1
            suffix = f"{label}{n}"

    def _choose_constraint_name(self, name1: str, name2: str | None, label: str) -> str:
        """ChooseConstraintName: free among all constraints of the schema."""
        n, suffix = 0, label
        while True:
            name = _make_object_name(name1, name2, suffix)
            if name not in self._connames:
                return name
            n += 1
            suffix = f"{label}{n}"

    # ----------------------------------------------------------------- primitives

    def _add_constraint(self, t: Table, con: Constraint) -> None:
        if t.constraint(con.name) is not None:
            raise _Rejected(f'constraint "{con.name}" for relation "{t.name}" already exists')
        if con.index is not None:
            if con.name in self._relations:
                raise _Rejected(f'relation "{con.name}" already exists')
            self._set(self._relations, con.name, ("index", t.oid))
        t.constraints.append(con)
        self._bump(self._connames, con.name, 1)
        if con.kind == "f":
            self._set(self._incoming, con.ref_table, self._incoming.get(con.ref_table, ()) + (t.oid,))

    def _remove_constraint(self, t: Table, con: Constraint) -> None:
        t.constraints.remove(con)
        self._bump(self._connames, con.name, -1)
        if con.index is not None:
            self._del(self._relations, con.name)
        if con.kind == "f":
            sources = list(self._incoming[con.ref_table])
            sources.remove(t.oid)
            if sources:
                self._set(self._incoming, con.ref_table, tuple(sources))
            else:
                self._del(self._incoming, con.ref_table)

    def _move_to_end(self, t: Table, con: Constraint, new: Constraint) -> None:
        """Updating a pg_constraint row writes a new tuple version after the others."""
        self._remove_constraint(t, con)
        self._add_constraint(t, new)

    def _add_index(self, t: Table, index: Index) -> None:
        t.indexes[index.name] = index
        self._set(self._relations, index.name, ("index", t.oid))

    def _referencing(self, oid: int) -> list[tuple[int, Constraint]]:
        """Foreign keys (table oid, constraint) that reference table OID."""
        return [
            (source, c)
            for source in dict.fromkeys(self._incoming.get(oid, ()))
            for c in self._tables[self._table_names[source]].constraints
            if c.kind == "f" and c.ref_table == oid
        ]

    def _drop_foreign_keys(self, fks: list[tuple[int, Constraint]], cascade: bool, what: str) -> None:
        if fks and not cascade:
            raise _Rejected(f"cannot drop {what} because other objects depend on it")
        for oid, con in fks:
            t = self._wt(oid)
            if con in t.constraints:
                self._remove_constraint(t, con)

    def _put_sequence(self, seq: Sequence) -> None:
        """Store SEQ (new or changed), keeping the index of sequences by owning table."""
        old = self._sequences.get(seq.name)
        if old is not None and old.owner is not None:
            names = tuple(n for n in self._owned[old.owner[0]] if n != seq.name)
            self._set(self._owned, old.owner[0], names) if names else self._del(self._owned, old.owner[0])
        self._set(self._sequences, seq.name, seq)
        if seq.owner is not None:
            self._set(self._owned, seq.owner[0], self._owned.get(seq.owner[0], ()) + (seq.name,))

    def _owned_by(self, oid: int, attnums: object = None) -> list[Sequence]:
        """Sequences owned by table OID (by any of ATTNUMS when given)."""
        owned = (self._sequences[n] for n in self._owned.get(oid, ()))
        return [s for s in owned if attnums is None or s.owner[1] in attnums]

    def _drop_sequence(self, name: str) -> None:
        self._put_sequence(replace(self._sequences[name], owner=None))
        self._del(self._sequences, name)
        self._del(self._relations, name)

    def _create_sequence(self, sequence: Sequence) -> None:
        if sequence.name in self._relations:
            raise _Rejected(f'relation "{sequence.name}" already exists')
        self._put_sequence(sequence)
        self._set(self._relations, sequence.name, ("sequence", 0))

    def _owned_sequence(self, t: Table, attnum: int, name: str | None, identity: bool) -> None:
        """serial and identity columns get a sequence named <table>_<column>_seq."""
        name = name or self._choose_relation_name(t.name, t.columns[attnum].name, "seq", False)
        self._create_sequence(Sequence(self._oid(), name, (t.oid, attnum), identity, not identity))

    # ----------------------------------------------------------------- dispatch

    def _dispatch(self, cur: _Cur) -> None:
        verb = cur.next().value  # CREATE, ALTER or DROP: _apply_statement saw to it
        if verb == "create":
            self._create(cur)
        elif verb == "drop":
            self._drop(cur)
        elif cur.take("table"):
            self._alter_table(cur)
        elif cur.take("index"):
            self._alter_index(cur)
        elif cur.take("sequence"):
            self._alter_sequence(cur)
        elif cur.take("view") or cur.take("materialized", "view") or cur.take("foreign", "table"):
            self._alter_other(cur)
        elif cur.take("collation"):
            self._alter_collation(cur)

    def _create(self, cur: _Cur) -> None:
        or_replace = cur.take("or", "replace")
        temporary = False
        while cur.word() in ("global", "local", "temp", "temporary", "unlogged"):
            temporary |= cur.next().value in ("temp", "temporary")
        if temporary:
            return
        if cur.take("table"):
            self._create_table(cur)
        elif cur.take("unique", "index"):
            self._create_index(cur, unique=True)
        elif cur.take("index"):
            self._create_index(cur, unique=False)
        elif cur.take("sequence"):
            self._create_sequence_statement(cur)
        elif cur.take("extension"):
            self._create_extension(cur)
        elif cur.take("collation"):
            self._create_collation(cur)
        elif cur.take("view") or cur.take("recursive", "view") or cur.take("materialized", "view"):
            self._create_other(cur, or_replace)
        elif cur.take("type"):
            start = cur.pos
            cur.qualified()
            if cur.take("as") and cur.is_op("("):  # a composite type is a relation
                cur.pos = start
                self._create_other(cur, False)

    def _create_other(self, cur: _Cur, or_replace: bool) -> None:
        """Views, materialized views and composite types only occupy a relation name."""
        if_not_exists = cur.take("if", "not", "exists")
        name = self._relname(cur)
        if name is None:
            return
        kind = self._relations.get(name, ("other",))[0]
        if name in self._relations and not (if_not_exists or (or_replace and kind == "other")):
            raise _Rejected(f'relation "{name}" already exists')
        if name not in self._relations:
            self._set(self._relations, name, ("other", 0))

    # ----------------------------------------------------------------- CREATE TABLE

    def _create_table(self, cur: _Cur) -> None:
        if_not_exists = cur.take("if", "not", "exists")
        name = self._relname(cur)
        if name is None:
            return
        if name in self._relations:
            if if_not_exists:
                return
            raise _Rejected(f'relation "{name}" already exists')
        oid = self._oid()
        t = Table(oid, name, self._stamp)
        self._set(self._tables, name, t)
        self._set(self._table_names, oid, name)
        self._set(self._relations, name, ("table", oid))
        parents: list[str] = []
        if cur.take("partition", "of"):
            parents.append(self._relname(cur) or "")
        elif cur.take("of"):  # a typed table: its columns come from a composite type
            cur.qualified()
            t.open_columns = True
        columns: list[_ColDef] = []
        defs: list[_ConDef] = []
        if not cur.is_op("("):  # CREATE TABLE t AS ...: columns unknown
            t.open_columns = not parents
        elif cur.word(cur.match[cur.pos] + 1 - cur.pos) == "as":  # CREATE TABLE t (a, b) AS ...
            columns = [_ColDef(item.ident()) for item in cur.group().items()]
            t.open_columns = True
        else:
            for item in cur.group().items():
                if item.word() in _TABLE_CONSTRAINT:
                    defs.append(_parse_table_constraint(item))
                elif item.take("like"):
                    columns.extend(self._like_columns(item))
                else:
                    columns.append(_parse_column(item))
                    defs.extend(columns[-1].constraints)
        while not cur.at_end() and not cur.take("as") and not cur.take("execute"):
            if cur.take("inherits"):
                parents.extend(self._relname(item) or "" for item in cur.group().items())
            elif cur.word() == "with" and cur.is_op("(", 1):
                cur.pos += 1
                t.reloptions = _merge_options(None, [], _table_options(_parse_options(cur)))
            else:
                cur.skip()
        for parent in parents:
            source = self._tables.get(parent)
            if source is None:
                raise _Rejected(f'relation "{parent}" does not exist')
            for column in source.columns.values():
                if column.name not in t.attnums:
                    self._new_column(t, column.name)
        for col in columns:
            if not (parents and col.name in t.attnums):
                self._new_column(t, col.name)
        self._finish_columns(t, columns)
        for d in defs:
            if d.kind == "c":
                self._add_check(oid, d)
        for d in _final_index_list([d for d in defs if d.kind in ("p", "u", "x")]):
            self._add_index_constraint(oid, d)
        for d in defs:
            if d.kind == "f":
                self._add_fk(oid, d)

    def _like_columns(self, cur: _Cur) -> list[_ColDef]:
        source = self._tables.get(self._relname(cur) or "")
        if source is None:
            raise _Rejected("LIKE source does not exist")
        return [_ColDef(c.name) for c in source.columns.values()]

    def _finish_columns(self, t: Table, columns: list[_ColDef]) -> None:
        """Owned sequences and generated-column dependencies, once all columns exist."""
        for col in columns:
            attnum = t.attnums[col.name]
            t.columns[attnum] = replace(
                t.columns[attnum], type=col.type, not_null=col.not_null or col.serial or col.identity
            )
            if col.serial or col.identity:
                self._owned_sequence(t, attnum, col.sequence_name, col.identity)
            if col.generated is not None:
                reads = frozenset(self._expr_columns(t, col.generated))
                t.columns[attnum] = replace(t.columns[attnum], generated_from=reads)

    # ----------------------------------------------------------------- constraints

    def _add_check(self, oid: int, d: _ConDef) -> None:
        t = self._wt(oid)
        columns = self._expr_columns(t, d.expr)
        single = t.columns[columns[0]].name if len(columns) == 1 else None
        name = d.name or self._choose_constraint_name(t.name, single, "check")
        con = Constraint(
            name, "c", tuple(columns), frozenset(columns), self._oid(), validated=d.validated,
            check=d.expr.text() if d.expr is not None else None,
        )  # fmt: skip
        self._add_constraint(t, con)

    def _resolve_keys(
        self, t: Table, elems: list[_Elem], include: list[str], predicate: _Cur | None
    ) -> tuple[tuple[int | None, ...], frozenset[int], list[str]]:
        """Key attnums (None for expressions) + INCLUDE, every column used, naming labels."""
        keys: list[int | None] = []
        used: set[int] = set(self._expr_columns(t, predicate))
        for elem in elems:
            if elem.column is not None:
                keys.append(self._attnum(t, elem.column))
            else:
                keys.append(None)
                used.update(self._expr_columns(t, elem.expr))
        keys.extend(self._attnum(t, c) for c in include)
        used.update(k for k in keys if k is not None)
        return tuple(keys), frozenset(used), [e.label for e in elems] + include

    def _add_index_constraint(self, oid: int, d: _ConDef) -> None:
        t = self._wt(oid)
        if d.kind == "p" and any(c.kind == "p" for c in t.constraints):
            raise _Rejected(f'multiple primary keys for table "{t.name}" are not allowed')
        if d.using_index is not None:
            self._adopt_index(t, d)
            return
        keys, used, labels = self._resolve_keys(t, d.elems, d.include, d.expr)
        simple = frozenset(k for k in keys if k is not None)
        if d.kind == "p":
            name = d.name or self._choose_relation_name(t.name, None, "pkey", True)
        else:
            addition = _name_addition(_index_column_names(labels))
            label = "key" if d.kind == "u" else "excl"
            name = d.name or self._choose_relation_name(t.name, addition, label, True)
        index = Index(
            self._oid(), name, keys, len(d.elems), tuple(e.descending for e in d.elems), used,
            method=d.method, unique=d.kind != "x", primary=d.kind == "p",
            immediate=not d.deferrable, partial=d.expr is not None, options=d.options,
        )  # fmt: skip
        columns = tuple(k for k in keys[: len(d.elems)] if k is not None)
        con = Constraint(
            name, d.kind, columns, simple, self._oid(), index=index,
            deferrable=d.deferrable, deferred=d.deferred,
        )  # fmt: skip
        self._add_constraint(t, con)

    def _adopt_index(self, t: Table, d: _ConDef) -> None:
        """ADD CONSTRAINT ... USING INDEX: the index is renamed after the constraint."""
        index = t.indexes.get(d.using_index)
        if index is None or not index.unique or index.partial or None in index.keys:
            raise _Rejected(f'"{d.using_index}" is not a plain unique index of "{t.name}"')
        name = d.name or index.name
        del t.indexes[index.name]
        self._del(self._relations, index.name)
        index = replace(index, name=name, primary=d.kind == "p", immediate=not d.deferrable)
        columns = tuple(k for k in index.keys[: index.nkeys] if k is not None)
        con = Constraint(
            name, d.kind, columns, index.depends, self._oid(), index=index,
            deferrable=d.deferrable, deferred=d.deferred,
        )  # fmt: skip
        self._add_constraint(t, con)

    def _add_fk(self, oid: int, d: _ConDef) -> None:
        t = self._wt(oid)
        if d.ref is None:
            log.debug("catalog: foreign key to another schema not modelled")
            return
        ref = self._tables.get(d.ref)
        if ref is None:
            raise _Rejected(f'relation "{d.ref}" does not exist')
        local = tuple(self._attnum(t, c) for c in d.columns)
        if d.ref_columns is None:
            primary = next((c for c in ref.constraints if c.kind == "p"), None)
            if primary is None:
                raise _Rejected(f'there is no primary key for referenced table "{ref.name}"')
            ref_columns, ref_index = primary.columns, primary.index.oid
        else:
            ref_columns = tuple(self._attnum(ref, c) for c in d.ref_columns)
            ref_index = self._unique_index_for(self._tables[d.ref], ref_columns)
        if len(ref_columns) != len(local):
            raise _Rejected("number of referencing and referenced columns for foreign key disagree")
        name = d.name or self._choose_constraint_name(t.name, _name_addition(d.columns), "fkey")
        con = Constraint(
            name, "f", local, frozenset(local), self._oid(), ref_table=ref.oid,
            ref_columns=ref_columns, ref_index=ref_index, validated=d.validated,
            deferrable=d.deferrable, deferred=d.deferred,
        )  # fmt: skip
        self._add_constraint(t, con)

    @staticmethod
    def _unique_index_for(ref: Table, columns: tuple[int, ...]) -> int:
        """transformFkeyCheckAttrs: the first unique, immediate, plain index on those columns."""
        for index in ref.all_indexes():
            key = index.keys[: index.nkeys]
            if (
                index.unique and index.immediate and not index.partial and None not in key
                and len(key) == len(columns) and set(key) == set(columns)
            ):  # fmt: skip
                return index.oid
        raise _Rejected(f'there is no unique constraint matching given keys for "{ref.name}"')

    # ----------------------------------------------------------------- CREATE INDEX

    def _create_index(self, cur: _Cur, unique: bool) -> None:
        cur.take("concurrently")
        if_not_exists = cur.take("if", "not", "exists")
        name = None if cur.word() == "on" else cur.ident()
        cur.expect("on")
        cur.take("only")
        table = self._relname(cur)
        if table is None:
            return
        method = cur.ident() if cur.take("using") else "btree"
        elems = [_parse_elem(item, exclusion=False)[0] for item in cur.group().items()]
        d = _ConDef("i", method=method)
        _index_parameters(cur, d)
        _nulls_distinct(cur, d)
        _index_parameters(cur, d)
        while not cur.at_end():
            if cur.take("where"):
                d.expr = cur.rest()
            else:
                cur.skip()
        if name is not None and name in self._relations:
            if if_not_exists:
                return
            raise _Rejected(f'relation "{name}" already exists')
        t = self._wt(self._table_oid(table))
        keys, used, labels = self._resolve_keys(t, elems, d.include, d.expr)
        name = name or self._choose_relation_name(
            t.name, _name_addition(_index_column_names(labels)), "idx", False
        )
        definition = None
        if any(e.expr is not None for e in elems):
            keys_sql = ", ".join(e.text for e in elems)
            kind = "UNIQUE INDEX" if unique else "INDEX"
            definition = f"CREATE {kind} {name} ON public.{t.name} USING {method} ({keys_sql})"
        index = Index(
            self._oid(), name, keys, len(elems), tuple(e.descending for e in elems), used,
            method=method, unique=unique, partial=d.expr is not None, definition=definition,
            options=d.options,
        )  # fmt: skip
        self._add_index(t, index)

    # ----------------------------------------------------------------- ALTER TABLE

    def _alter_table(self, cur: _Cur) -> None:
        if_exists = cur.take("if", "exists")
        cur.take("only")
        name = self._relname(cur)
        cur.take_op("*")
        if name is None:
            return
        if cur.take("rename"):
            self._rename(cur, name, if_exists)
            return
        kind, oid = self._relations.get(name, (None, 0))
        if kind is None:
            if if_exists:
                return
            raise _Rejected(f'relation "{name}" does not exist')
        if kind != "table":
            return
        plan = _Plan()
        for action in cur.items():
            self._plan_action(oid, action, plan)
        plan.run()

    def _plan_action(self, oid: int, a: _Cur, plan: _Plan) -> None:
        if a.take("add"):
            if a.word() in _TABLE_CONSTRAINT:
                d = _parse_table_constraint(a)
                plan.at(_PASS_ADD_CONSTR, partial(self._plan_constraints, oid, [d], plan))
            else:
                a.take("column")
                if_not_exists = a.take("if", "not", "exists")
                col = _parse_column(a)
                plan.at(_PASS_ADD_COL, partial(self._add_column, oid, col, if_not_exists, plan))
        elif a.take("drop"):
            if a.take("constraint"):
                if_exists = a.take("if", "exists")
                name = a.ident()
                action = partial(self._drop_constraint, oid, name, if_exists, a.take("cascade"))
            else:
                a.take("column")
                if_exists = a.take("if", "exists")
                name = a.ident()
                action = partial(self._drop_column, oid, name, if_exists, a.take("cascade"))
            plan.at(_PASS_DROP, action)
        elif a.take("alter", "constraint"):
            name = a.ident()
            d = _ConDef("")
            while _constraint_attribute(a, d):
                pass
            plan.at(_PASS_MISC, partial(self._alter_constraint, oid, name, d))
        elif a.take("alter"):
            a.take("column")
            self._plan_alter_column(oid, a.ident(), a, plan)
        elif a.take("validate", "constraint"):
            plan.at(_PASS_MISC, partial(self._validate_constraint, oid, a.ident()))
        elif a.word() in ("set", "reset") and a.is_op("(", 1):
            reset = a.next().value == "reset"
            if reset:
                names = [item.ident() for item in a.group().items()]
                values: list[tuple[str, str]] = []
            else:
                values = _table_options(_parse_options(a))
                names = [n for n, _ in values]
            plan.at(_PASS_MISC, partial(self._set_reloptions, oid, names, values))

    def _plan_alter_column(self, oid: int, column: str, a: _Cur, plan: _Plan) -> None:
        if a.take("type") or a.take("set", "data", "type"):
            start = a.pos
            while not a.at_end() and a.word() not in ("using", "collate"):
                a.skip()
            new_type = a._sub(start, a.pos).text()
            plan.at(_PASS_ALTER_TYPE, partial(self._alter_type, oid, column, plan, new_type))
        elif a.take("set", "not", "null") or a.take("drop", "not", "null"):
            not_null = a.toks[a.pos - 3].value == "set"
            plan.at(_PASS_COL_ATTRS, partial(self._set_not_null, oid, column, not_null))
        elif a.take("add", "generated"):
            a.take("always") or a.take("by", "default")
            a.expect("as", "identity")
            sequence = _identity_sequence_name(a)
            plan.at(_PASS_COL_ATTRS, partial(self._add_identity, oid, column, sequence))
        elif a.take("drop", "identity"):
            if_exists = a.take("if", "exists")
            plan.at(_PASS_COL_ATTRS, partial(self._drop_identity, oid, column, if_exists))
        elif a.take("drop", "expression"):
            plan.at(_PASS_DROP, partial(self._drop_expression, oid, column))
        elif a.take("drop", "default"):
            plan.at(_PASS_DROP, partial(self._drop_serial_default, oid, column))
        elif a.take("set", "default"):
            plan.at(_PASS_ADD_OTHERCONSTR, partial(self._drop_serial_default, oid, column))
        else:
            plan.at(_PASS_COL_ATTRS, lambda: self._attnum(self._wt(oid), column))

    def _plan_constraints(self, oid: int, defs: list[_ConDef], plan: _Plan) -> None:
        """One subcommand's new constraints: indexes first, then checks, then foreign keys."""
        for d in _final_index_list([d for d in defs if d.kind in ("p", "u", "x")]):
            when = _PASS_ADD_INDEXCONSTR if d.using_index else _PASS_ADD_INDEX
            plan.at(when, partial(self._add_index_constraint, oid, d))
        for kind, action in (("c", self._add_check), ("f", self._add_fk)):
            for d in defs:
                if d.kind == kind:
                    plan.at(_PASS_ADD_OTHERCONSTR, partial(action, oid, d))

    def _add_column(self, oid: int, col: _ColDef, if_not_exists: bool, plan: _Plan) -> None:
        t = self._wt(oid)
        if col.name in t.attnums and if_not_exists:
            return
        self._new_column(t, col.name)
        self._finish_columns(t, [col])
        self._plan_constraints(oid, col.constraints, plan)

    def _drop_column(self, oid: int, column: str, if_exists: bool, cascade: bool) -> None:
        t = self._wt(oid)
        if column not in t.attnums:
            if if_exists:
                return
            raise _Rejected(f'column "{column}" of relation "{t.name}" does not exist')
        doomed = {t.attnums[column]}
        grew = True
        while grew:  # generated columns reading a dropped column go too, with CASCADE
            readers = {c.attnum for c in t.columns.values() if c.generated_from & doomed} - doomed
            if readers and not cascade:
                raise _Rejected(f'cannot drop column "{column}": generated columns depend on it')
            doomed |= readers
            grew = bool(readers)
        own = [c for c in t.constraints if c.depends & doomed]
        # A constraint's index reading the column only in an expression or WHERE needs CASCADE.
        if not cascade and any(c.index and c.index.depends & doomed for c in t.constraints if c not in own):
            raise _Rejected(f'cannot drop column "{column}": a constraint expression uses it')
        own += [c for c in t.constraints if c.index and c.index.depends & doomed and c not in own]
        indexes = [i for i in t.indexes.values() if i.depends & doomed]
        dead = {c.index.oid for c in own if c.index} | {i.oid for i in indexes}
        fks = [
            (fk_oid, fk)
            for fk_oid, fk in self._referencing(oid)
            if (set(fk.ref_columns) & doomed or fk.ref_index in dead) and fk not in own
        ]
        self._drop_foreign_keys(fks, cascade, f'column "{column}"')
        t = self._wt(oid)
        for con in own:
            self._remove_constraint(t, con)
        for index in indexes:
            del t.indexes[index.name]
            self._del(self._relations, index.name)
        for seq in self._owned_by(oid, doomed):
            self._drop_sequence(seq.name)
        for attnum in doomed:
            del t.attnums[t.columns.pop(attnum).name]

    def _drop_constraint(self, oid: int, name: str, if_exists: bool, cascade: bool) -> None:
        t = self._wt(oid)
        con = t.constraint(name)
        if con is None:
            if if_exists:
                return
            raise _Rejected(f'constraint "{name}" of relation "{t.name}" does not exist')
        if con.index is not None:
            fks = [(o, fk) for o, fk in self._referencing(oid) if fk.ref_index == con.index.oid]
            self._drop_foreign_keys(fks, cascade, f'constraint "{name}"')
            t = self._wt(oid)
        if con in t.constraints:
            self._remove_constraint(t, con)

    def _set_not_null(self, oid: int, column: str, not_null: bool) -> None:
        t = self._wt(oid)
        attnum = self._attnum(t, column)
        t.columns[attnum] = replace(t.columns[attnum], not_null=not_null)

    def _alter_type(self, oid: int, column: str, plan: _Plan, new_type: str | None = None) -> None:
        """ALTER COLUMN TYPE re-creates every constraint using the column, in creation order."""
        t = self._wt(oid)
        attnum = self._attnum(t, column)
        t.columns[attnum] = replace(t.columns[attnum], type=new_type or t.columns[attnum].type)
        uses = [
            (oid, c)
            for c in t.constraints
            if attnum in (c.index.depends if c.index else c.depends)
            or (c.kind == "f" and c.ref_table == oid and attnum in c.ref_columns)
        ]
        uses += [(o, c) for o, c in self._referencing(oid) if o != oid and attnum in c.ref_columns]
        for con_oid, con in sorted(uses, key=lambda use: use[1].created):
            if (con_oid, con.name) not in plan.rebuilt:
                plan.rebuilt.add((con_oid, con.name))
                when = _PASS_OLD_INDEX if con.index is not None else _PASS_OLD_CONSTR
                plan.at(when, partial(self._rebuild, con_oid, con.name))

    def _rebuild(self, oid: int, name: str) -> None:
        t = self._wt(oid)
        con = t.constraint(name)
        if con is not None:
            self._move_to_end(t, con, replace(con, created=self._oid()))

    def _add_identity(self, oid: int, column: str, sequence: str | None) -> None:
        t = self._wt(oid)
        attnum = self._attnum(t, column)
        if any(s.identity for s in self._owned_by(oid, (attnum,))):
            raise _Rejected(f'column "{column}" is already an identity column')
        self._owned_sequence(t, attnum, sequence, True)

    def _drop_identity(self, oid: int, column: str, if_exists: bool) -> None:
        attnum = self._attnum(self._wt(oid), column)
        seq = next((s for s in self._owned_by(oid, (attnum,)) if s.identity), None)
        if seq is not None:
            self._drop_sequence(seq.name)
        elif not if_exists:
            raise _Rejected(f'column "{column}" is not an identity column')

    def _drop_serial_default(self, oid: int, column: str) -> None:
        """Replacing a serial column's default frees its sequence to be dropped."""
        for seq in self._owned_by(oid, (self._attnum(self._wt(oid), column),)):
            if seq.in_default:
                self._put_sequence(replace(seq, in_default=False))

    def _drop_expression(self, oid: int, column: str) -> None:
        t = self._wt(oid)
        attnum = self._attnum(t, column)
        t.columns[attnum] = replace(t.columns[attnum], generated_from=frozenset())

    def _validate_constraint(self, oid: int, name: str) -> None:
        t = self._wt(oid)
        con = t.constraint(name)
        if con is None:
            raise _Rejected(f'constraint "{name}" of relation "{t.name}" does not exist')
        if not con.validated:
            self._move_to_end(t, con, replace(con, validated=True))

    def _alter_constraint(self, oid: int, name: str, d: _ConDef) -> None:
        t = self._wt(oid)
        con = t.constraint(name)
        if con is None or con.kind != "f":
            raise _Rejected(f'constraint "{name}" of relation "{t.name}" is not a foreign key')
        if (con.deferrable, con.deferred) != (d.deferrable, d.deferred):
            self._move_to_end(t, con, replace(con, deferrable=d.deferrable, deferred=d.deferred))

    def _set_reloptions(self, oid: int, names: list[str], values: list[tuple[str, str]]) -> None:
        t = self._wt(oid)
        t.reloptions = _merge_options(t.reloptions, names, values)

    # ----------------------------------------------------------------- renames

    def _rename(self, cur: _Cur, name: str, if_exists: bool) -> None:
        """ALTER TABLE ... RENAME [COLUMN | CONSTRAINT] ... / RENAME TO."""
        if cur.take("to"):
            self._rename_relation(name, cur.ident(), if_exists)
            return
        kind, oid = self._relations.get(name, (None, 0))
        if kind != "table":
            if if_exists and kind is None:
                return
            raise _Rejected(f'"{name}" is not a table')
        t = self._wt(oid)
        if cur.take("constraint"):
            old = cur.ident()
            cur.expect("to")
            con = t.constraint(old)
            if con is None:
                raise _Rejected(f'constraint "{old}" of relation "{t.name}" does not exist')
            self._rename_constraint(t, con, cur.ident())
            return
        cur.take("column")
        old = cur.ident()
        cur.expect("to")
        new = cur.ident()
        attnum = self._attnum(t, old)
        if new in t.attnums:
            raise _Rejected(f'column "{new}" of relation "{t.name}" already exists')
        del t.attnums[old]
        t.attnums[new] = attnum
        t.columns[attnum] = replace(t.columns[attnum], name=new)

    def _rename_constraint(self, t: Table, con: Constraint, new: str) -> None:
        """Renaming a constraint renames its index, and vice versa."""
        index = None if con.index is None else replace(con.index, name=new)
        self._move_to_end(t, con, replace(con, name=new, index=index))

    def _rename_relation(self, old: str, new: str, if_exists: bool) -> None:
        kind, oid = self._relations.get(old, (None, 0))
        if kind is None:
            if if_exists:
                return
            raise _Rejected(f'relation "{old}" does not exist')
        if new in self._relations:
            raise _Rejected(f'relation "{new}" already exists')
        if kind == "table":
            t = self._wt(oid)
            self._del(self._tables, old)
            t.name = new
            self._set(self._tables, new, t)
            self._set(self._table_names, oid, new)
        elif kind == "index":
            t = self._wt(oid)
            con = t.constraint(old)
            if con is not None and con.index is not None:
                self._rename_constraint(t, con, new)
                return
            index = t.indexes.pop(old)
            t.indexes[new] = replace(index, name=new)
        elif kind == "sequence":
            seq = self._sequences[old]
            self._put_sequence(replace(seq, owner=None))
            self._del(self._sequences, old)
            self._put_sequence(replace(seq, name=new))
        self._del(self._relations, old)
        self._set(self._relations, new, (kind, oid))

    # ----------------------------------------------------------------- ALTER others

    def _alter_index(self, cur: _Cur) -> None:
        if_exists = cur.take("if", "exists")
        name = self._relname(cur)
        if name is None:
            return
        if cur.take("rename", "to"):
            self._rename_relation(name, cur.ident(), if_exists)
            return
        kind, oid = self._relations.get(name, (None, 0))
        if kind != "index" or cur.word() not in ("set", "reset") or not cur.is_op("(", 1):
            return
        if cur.next().value == "reset":
            names, values = [item.ident() for item in cur.group().items()], []
        else:
            values = _parse_options(cur)
            names = [n for n, _ in values]
        t = self._wt(oid)
        con = t.constraint(name)
        index = con.index if con is not None and con.index is not None else t.indexes[name]
        index = replace(index, options=_merge_options(index.options, names, values))
        if con is not None and con.index is not None:
            t.constraints[t.constraints.index(con)] = replace(con, index=index)  # pg_class only
        else:
            t.indexes[name] = index

    def _alter_sequence(self, cur: _Cur) -> None:
        if_exists = cur.take("if", "exists")
        name = self._relname(cur)
        if name is None:
            return
        if cur.take("rename", "to"):
            self._rename_relation(name, cur.ident(), if_exists)
            return
        seq = self._sequences.get(name)
        if seq is None:
            if if_exists:
                return
            raise _Rejected(f'relation "{name}" does not exist')
        owner = self._sequence_owner(cur)
        if owner is not _MISSING:
            if seq.identity:
                raise _Rejected("cannot change ownership of identity sequence")
            self._put_sequence(replace(seq, owner=owner))

    def _sequence_owner(self, cur: _Cur) -> object:
        """OWNED BY table.column / NONE among sequence options; _MISSING when absent."""
        while not cur.at_end():
            if cur.take("owned", "by"):
                if cur.take("none"):
                    return None
                parts = [cur.ident()]
                while cur.take_op("."):
                    parts.append(cur.ident())
                if len(parts) < 2 or (len(parts) > 2 and parts[-3] != "public"):
                    raise _Rejected("OWNED BY needs a table of the public schema")
                oid = self._table_oid(parts[-2])
                return (oid, self._attnum(self._wt(oid), parts[-1]))
            cur.skip()
        return _MISSING

    def _alter_other(self, cur: _Cur) -> None:
        """ALTER VIEW / MATERIALIZED VIEW / FOREIGN TABLE: only RENAME TO matters."""
        if_exists = cur.take("if", "exists")
        name = self._relname(cur)
        if name is not None and cur.take("rename", "to"):
            self._rename_relation(name, cur.ident(), if_exists)

    # ----------------------------------------------------------------- sequences, extensions, collations

    def _create_sequence_statement(self, cur: _Cur) -> None:
        if_not_exists = cur.take("if", "not", "exists")
        name = self._relname(cur)
        if name is None:
            return
        if name in self._relations and if_not_exists:
            return
        self._create_sequence(Sequence(self._oid(), name))
        owner = self._sequence_owner(cur)
        if owner is not _MISSING:
            self._put_sequence(replace(self._sequences[name], owner=owner))

    def _create_extension(self, cur: _Cur) -> None:
        if_not_exists = cur.take("if", "not", "exists")
        name = cur.ident()
        if name in self._extensions:
            if if_not_exists:
                return
            raise _Rejected(f'extension "{name}" already exists')
        cascade = any(tok.kind == "word" and tok.value == "cascade" for tok in cur.tokens())
        for required in _EXTENSION_REQUIRES.get(name, ()):
            if required not in self._extensions:
                if not cascade:
                    raise _Rejected(f'required extension "{required}" is not installed')
                self._set(self._extensions, required, None)
        self._set(self._extensions, name, None)

    def _create_collation(self, cur: _Cur) -> None:
        if_not_exists = cur.take("if", "not", "exists")
        name = self._relname(cur)
        if name is None:
            return
        if name in self._collations:
            if if_not_exists:
                return
            raise _Rejected(f'collation "{name}" already exists')
        if cur.take("from"):
            deterministic = self.collation_deterministic(cur.qualified()[1])
            if deterministic is None:
                raise _Rejected("source collation does not exist")
        else:
            options = dict(_parse_options(cur))
            deterministic = options.get("deterministic", "true").lower() not in _FALSE
        self._set(self._collations, name, deterministic)

    def _alter_collation(self, cur: _Cur) -> None:
        name = self._relname(cur)
        if name in self._collations and cur.take("rename", "to"):
            new = cur.ident()
            self._set(self._collations, new, self._collations[name])
            self._del(self._collations, name)

    # ----------------------------------------------------------------- DROP

    def _drop(self, cur: _Cur) -> None:
        if cur.take("table"):
            kind = "table"
        elif cur.take("index"):
            cur.take("concurrently")
            kind = "index"
        elif cur.take("sequence"):
            kind = "sequence"
        elif cur.take("extension"):
            kind = "extension"
        elif cur.take("collation"):
            kind = "collation"
        elif cur.take("view") or cur.take("materialized", "view") or cur.take("type"):
            kind = "other"
        else:
            return
        if_exists = cur.take("if", "exists")
        names: list[str | None] = []
        while True:
            names.append(cur.ident() if kind == "extension" else self._relname(cur))
            if not cur.take_op(","):
                break
        cascade = cur.take("cascade")
        present = [n for n in names if n is not None]
        {
            "table": self._drop_tables,
            "index": self._drop_indexes,
            "sequence": self._drop_sequences,
            "extension": self._drop_extensions,
            "collation": self._drop_collations,
            "other": self._drop_others,
        }[kind](present, if_exists, cascade)

    def _existing(self, names: list[str], kind: str, if_exists: bool) -> list[tuple[str, int]]:
        found = []
        for name in names:
            entry = self._relations.get(name)
            if entry is None:
                if if_exists:
                    continue
                raise _Rejected(f'{kind} "{name}" does not exist')
            if entry[0] != kind:
                raise _Rejected(f'"{name}" is not a {kind}')
            found.append((name, entry[1]))
        return found

    def _drop_tables(self, names: list[str], if_exists: bool, cascade: bool) -> None:
        oids = dict.fromkeys(oid for _, oid in self._existing(names, "table", if_exists))
        fks = [(o, c) for oid in oids for o, c in self._referencing(oid) if o not in oids]
        self._drop_foreign_keys(fks, cascade, "table")
        for oid in oids:
            t = self._wt(oid)
            for con in list(t.constraints):
                self._remove_constraint(t, con)
            for index in t.indexes:
                self._del(self._relations, index)
            for seq in self._owned_by(oid):
                self._drop_sequence(seq.name)
            self._del(self._tables, t.name)
            self._del(self._table_names, oid)
            self._del(self._relations, t.name)

    def _drop_indexes(self, names: list[str], if_exists: bool, cascade: bool) -> None:
        for name, oid in self._existing(names, "index", if_exists):
            t = self._wt(oid)
            if name not in t.indexes:
                raise _Rejected(f'cannot drop index "{name}": its constraint requires it')
            fks = [(o, fk) for o, fk in self._referencing(oid) if fk.ref_index == t.indexes[name].oid]
            self._drop_foreign_keys(fks, cascade, f'index "{name}"')
            del self._wt(oid).indexes[name]
            self._del(self._relations, name)

    def _drop_sequences(self, names: list[str], if_exists: bool, cascade: bool) -> None:
        for name, _ in self._existing(names, "sequence", if_exists):
            if self._sequences[name].identity:
                raise _Rejected(f'cannot drop sequence "{name}": an identity column requires it')
            if self._sequences[name].in_default and not cascade:
                raise _Rejected(f'cannot drop sequence "{name}": a column default uses it')
            self._drop_sequence(name)

    def _drop_extensions(self, names: list[str], if_exists: bool, cascade: bool) -> None:
        for name in names:
            if name not in self._extensions:
                if if_exists:
                    continue
                raise _Rejected(f'extension "{name}" does not exist')
            dependents = [
                e for e, req in _EXTENSION_REQUIRES.items() if name in req and e in self._extensions
            ]
            if dependents and not cascade and not set(dependents) <= set(names):
                raise _Rejected(f'cannot drop extension "{name}": other extensions require it')
            for extension in [*dependents, name]:
                if extension in self._extensions:
                    self._del(self._extensions, extension)

    def _drop_collations(self, names: list[str], if_exists: bool, cascade: bool) -> None:
        for name in names:
            if name in self._collations:
                self._del(self._collations, name)
            elif not if_exists:
                raise _Rejected(f'collation "{name}" does not exist')

    def _drop_others(self, names: list[str], if_exists: bool, cascade: bool) -> None:
        """Views and types are not tracked beyond their relation name: drop leniently."""
        for name in names:
            if self._relations.get(name, ("",))[0] == "other":
                self._del(self._relations, name)
