"""How the indexes and constraints a migration drops were created: the reverse of a drop.

A fix that moves ``DROP INDEX x`` into its own non-atomic migration must say how to undo
it. Django knows (it would re-run the field's SQL backwards), but the fix writes SQL, so
the definition is taken from the statement that created the object earlier in the same
render, followed through renames.
"""

from __future__ import annotations

import re

_IDENT = r'"((?:[^"]|"")+)"'
_CREATE_INDEX = re.compile(r'^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?' + _IDENT, re.I)
_ADD_CONSTRAINT = re.compile(r'^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?' + _IDENT + r'\s+ADD\s+CONSTRAINT\s+' + _IDENT, re.I)
_RENAME_INDEX = re.compile(r'^\s*ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?' + _IDENT + r'\s+RENAME\s+TO\s+' + _IDENT, re.I)
_RENAME_CONSTRAINT = re.compile(
    r'^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?' + _IDENT + r'\s+RENAME\s+CONSTRAINT\s+' + _IDENT + r'\s+TO\s+' + _IDENT, re.I)
_RENAME_TABLE = re.compile(r'^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?' + _IDENT + r'\s+RENAME\s+TO\s+' + _IDENT, re.I)
_DROP_INDEX = re.compile(r'^\s*DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?' + _IDENT, re.I)
_DROP_CONSTRAINT = re.compile(r'^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?' + _IDENT + r'\s+DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?' + _IDENT, re.I)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rename(statement: str, old: str, new: str) -> str:
    return statement.replace(quoted(old), quoted(new), 1)


class History:
    """Every statement of a render, in order, with the (migration, operation) that ran it."""

    def __init__(self, rendered) -> None:
        self.statements: list[tuple[tuple, int, str]] = []
        for migration in rendered.migrations:
            key = (migration.app_label, migration.name)
            for index, statement in migration.executed:
                self.statements.append((key, index, statement))

    def _until(self, key, index):
        for where_key, where_index, statement in self.statements:
            if where_key == key and where_index >= index:
                return
            yield statement

    def definitions(self, key, index) -> tuple[dict[str, str], dict[str, str]]:
        """Index name -> CREATE INDEX, constraint name -> ALTER TABLE ADD CONSTRAINT, as they
        stand just before operation INDEX of migration KEY."""
        indexes: dict[str, str] = {}
        constraints: dict[str, str] = {}
        for statement in self._until(key, index):
            if match := _CREATE_INDEX.match(statement):
                indexes[_name(match.group(1))] = statement
            elif match := _ADD_CONSTRAINT.match(statement):
                constraints[_name(match.group(2))] = statement
            elif match := _RENAME_INDEX.match(statement):
                old, new = _name(match.group(1)), _name(match.group(2))
                for table in (indexes, constraints):
                    if old in table:
                        table[new] = _rename(table.pop(old), old, new)
            elif match := _RENAME_CONSTRAINT.match(statement):
                old, new = _name(match.group(2)), _name(match.group(3))
                if old in constraints:
                    constraints[new] = _rename(constraints.pop(old), old, new)
            elif match := _RENAME_TABLE.match(statement):
                old, new = quoted(_name(match.group(1))), quoted(_name(match.group(2)))
                for table in (indexes, constraints):
                    for name, text in table.items():
                        table[name] = text.replace(f" {old} ", f" {new} ").replace(f" {old}(", f" {new}(")
            elif match := _DROP_INDEX.match(statement):
                indexes.pop(_name(match.group(1)), None)
            elif match := _DROP_CONSTRAINT.match(statement):
                constraints.pop(_name(match.group(2)), None)
        return indexes, constraints


def _name(group: str) -> str:
    return group.replace('""', '"')
