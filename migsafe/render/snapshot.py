"""Snapshots of the offline walk, so that checking a pull request does not render the history again.

`check --base` needs the state and the catalog as they are just before the branch's first
migration; getting them means rendering every earlier migration, which is most of the run.
After a walk, migsafe stores them (with the rendered prefix, which fixes read) under a digest
of everything they depend on: the plan's keys, the bytes of each migration file, the resolved
dependencies, the swappable models, the apps without migrations, the PostgreSQL version and
the versions of Python, Django and migsafe itself. The next run with the same prefix (another
push to the pull request, a re-run, the same branch on a laptop) starts from it. Anything
that cannot be stored or read is simply walked again.

Where: ``$MIGSAFE_CACHE_DIR`` (``off`` disables it), else ``$XDG_CACHE_HOME/migsafe``, else
``~/.cache/migsafe``. Only the newest ``KEEP`` snapshots are kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

KEEP = 16
MIN_PREFIX = 20  # shorter prefixes render faster than a snapshot loads


def cache_dir() -> Path | None:
    value = os.environ.get("MIGSAFE_CACHE_DIR")
    if value is not None:
        return None if value.strip().lower() in ("", "off", "0", "false", "no") else Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "migsafe"


@dataclass
class Snapshot:
    state: object  # the unrendered ProjectState
    catalog_bytes: bytes  # the pickled Catalog (read twice: the render's and the classifier's)
    rendered: list  # RenderedMigration of the prefix

    def catalog(self):
        return pickle.loads(self.catalog_bytes)


class SnapshotStore:
    def __init__(self, graph, plan: list, pg_version: int, directory: Path | None) -> None:
        self.directory = directory
        self._graph = graph
        self._plan = plan
        self._pg_version = pg_version
        self._paths: dict[int, Path | None] = {}

    def _digest(self, length: int) -> str | None:
        """Digest of what the state and catalog after PLAN[:LENGTH] depend on (None: unknowable)."""
        import django
        from django.conf import settings

        from migsafe import __version__

        digest = hashlib.sha256()
        swappable = sorted((k, getattr(settings, k)) for k in dir(settings._wrapped)
                           if k.endswith("_MODEL") and isinstance(getattr(settings, k, None), str))
        header = (sys.version, django.__version__, __version__, _code_digest(), self._pg_version, swappable,
                  sorted(self._graph.loader.unmigrated_apps))
        digest.update(repr(header).encode())
        for key in self._plan[:length]:
            info = self._graph.migrations[key]
            if not info.path:
                return None
            try:
                digest.update(Path(info.path).read_bytes())
            except OSError:
                return None
            digest.update(repr((key, sorted(info.dependencies), info.replaces)).encode())
        return digest.hexdigest()

    def _path(self, length: int) -> Path | None:
        """The snapshot file of PLAN[:LENGTH] (computed once: a missed load is followed by a save)."""
        if self.directory is None or length < MIN_PREFIX:
            return None
        if length not in self._paths:
            digest = self._digest(length)
            self._paths[length] = self.directory / f"walk-{digest}.pickle" if digest else None
        return self._paths[length]

    def load(self, length: int) -> Snapshot | None:
        path = self._path(length)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                snapshot = pickle.load(handle)
            os.utime(path)  # recently used: kept longest
        except Exception:  # a snapshot from another environment, a truncated file: walk instead
            return None
        return snapshot if isinstance(snapshot, Snapshot) and len(snapshot.rendered) == length else None

    def save(self, length: int, state, catalog, rendered: list) -> None:
        path = self._path(length)
        if path is None or path.exists():
            return
        try:
            data = pickle.dumps(Snapshot(state, pickle.dumps(catalog), rendered[:length]),
                                protocol=pickle.HIGHEST_PROTOCOL)
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.directory, prefix=".walk-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
            self._prune()
        except Exception:  # a custom field that cannot be pickled, a read-only home: no snapshot
            return

    def _prune(self) -> None:
        files = sorted(self.directory.glob("walk-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)


@lru_cache(maxsize=None)
def _code_digest() -> str:
    """Size and modification time of migsafe's own modules: a changed renderer invalidates."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()
