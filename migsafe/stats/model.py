"""The stats file: catalog statistics of one database, no row data, safe to keep as a CI
artifact or commit. Plain dataclasses, written and read as JSON (format version 1)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from functools import cached_property
from pathlib import Path

from migsafe.errors import MigsafeError

FORMAT_VERSION = 1


@dataclass
class Throughput:
    """How fast the server does each kind of blocking work. The defaults are deliberately
    modest (a busy server reading from disk); `migsafe calibrate` measures the real ones."""

    rewrite_bytes_per_second: float = 40e6  # heap + TOAST copied (ALTER TYPE, volatile default); indexes
    # are then rebuilt at index_rows_per_second each
    scan_rows_per_second: float = 5e6  # rows read and checked (SET NOT NULL, CHECK validation)
    index_rows_per_second: float = 1e6  # rows indexed by CREATE INDEX
    fk_rows_per_second: float = 2e6  # rows checked by a FOREIGN KEY validation
    calibrated_at: str | None = None  # None: the defaults above
    calibrated_rows: int | None = None


@dataclass
class TableStats:
    schema: str
    name: str
    reltuples: float  # the planner's row estimate (-1: never analysed)
    relpages: int
    table_bytes: int  # heap and TOAST
    index_bytes: int
    total_bytes: int
    n_live_tup: int = 0
    n_dead_tup: int = 0
    n_tup_ins: int = 0
    n_tup_upd: int = 0
    n_tup_del: int = 0
    seq_scan: int = 0
    seq_tup_read: int = 0
    idx_scan: int = 0
    model: str | None = None  # "app.Model", when exported with --project

    @property
    def rows(self) -> int:
        return int(self.reltuples) if self.reltuples >= 0 else self.n_live_tup

    @property
    def writes(self) -> int:
        return self.n_tup_ins + self.n_tup_upd + self.n_tup_del

    @property
    def scans(self) -> int:
        return self.seq_scan + self.idx_scan


@dataclass
class IndexStats:
    schema: str
    name: str
    table: str
    bytes: int
    idx_scan: int
    unique: bool
    primary: bool
    definition: str  # pg_get_indexdef

    @property
    def columns(self) -> list[str]:
        """The key columns (or expressions) of the definition, opclasses and quotes left out."""
        start = self.definition.find("(", self.definition.find(" USING "))
        parts, depth, current = [], 0, ""
        for char in self.definition[start + 1:]:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0 or (char == "," and depth == 0):
                parts.append(current.strip())
                current = ""
                if depth < 0:
                    break
                continue
            current += char
        return [part if part.startswith("(") else part.split(" ")[0].strip('"') for part in parts]


@dataclass
class Stats:
    server_version: int  # server_version_num, e.g. 150004
    database: str
    generated_at: str  # ISO 8601, UTC
    stats_since: str | None  # when the counters started (stats reset, else server start)
    tables: list[TableStats] = field(default_factory=list)
    indexes: list[IndexStats] = field(default_factory=list)
    throughput: Throughput = field(default_factory=Throughput)
    version: int = FORMAT_VERSION

    @property
    def pg_major(self) -> int:
        return self.server_version // 10000

    def table(self, name: str | None) -> TableStats | None:
        """The table NAME (public schema first: Django's default search_path)."""
        return self._tables.get(name)

    def indexes_of(self, table: str) -> list[IndexStats]:
        return self._indexes.get(table, [])

    @cached_property
    def _tables(self) -> dict[str, TableStats]:
        found: dict[str, TableStats] = {}
        for table in sorted(self.tables, key=lambda t: t.schema != "public"):
            found.setdefault(table.name, table)
        return found

    @cached_property
    def _indexes(self) -> dict[str, list[IndexStats]]:
        found: dict[str, list[IndexStats]] = {}
        for index in self.indexes:
            found.setdefault(index.table, []).append(index)
        return found

    def seconds_observed(self) -> float | None:
        """How long the counters have been counting (for per-second rates)."""
        if not self.stats_since:
            return None
        elapsed = (datetime.fromisoformat(self.generated_at) - datetime.fromisoformat(self.stats_since)).total_seconds()
        return elapsed if elapsed > 0 else None

    def as_dict(self) -> dict:
        return {"version": self.version, **{k: v for k, v in asdict(self).items() if k != "version"}}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict) -> "Stats":
        return cls(
            server_version=int(data["server_version"]),
            database=str(data["database"]),
            generated_at=str(data["generated_at"]),
            stats_since=data.get("stats_since"),
            tables=[_build(TableStats, t) for t in data.get("tables", [])],
            indexes=[_build(IndexStats, i) for i in data.get("indexes", [])],
            throughput=_build(Throughput, data.get("throughput") or {}),
            version=int(data["version"]),
        )


def _build(cls, data: dict):
    """CLS from DATA, ignoring keys a newer migsafe may have added."""
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def load(path: str | Path) -> Stats:
    """Read a stats file; anything unreadable or malformed is a usage error (exit 2)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise MigsafeError(f"cannot read stats file {path}: {exc.strerror or exc}",
                           hint="create it with `migsafe stats export --database-url URL -o FILE`") from exc
    except ValueError as exc:
        raise MigsafeError(f"stats file {path} is not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise MigsafeError(f"stats file {path} has format version {found!r}, expected {FORMAT_VERSION}",
                           hint="export it again with this migsafe")
    try:
        return Stats.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise MigsafeError(f"stats file {path} is malformed: {type(exc).__name__}: {exc}",
                           hint="export it again with `migsafe stats export`") from exc
