"""Writing project files safely: never half written, never unparsable Python."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import libcst as cst

from migsafe.errors import MigsafeError


def ensure_parses(path: Path, content: bytes) -> None:
    """Never write a Python file that does not parse."""
    if path.suffix != ".py":
        return
    try:
        cst.parse_module(content)
        compile(content, str(path), "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as exc:  # pragma: no cover - a bug if reached
        raise MigsafeError(f"internal error: the rewritten {path} would not parse ({exc}); nothing was written") from exc


def write_atomic(path: Path, content: bytes, mode_from: Path | None = None) -> None:
    """Write CONTENT to PATH through a temporary file and os.replace, so PATH is never half written."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migsafe", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        source = mode_from if mode_from is not None and mode_from.exists() else (path if path.exists() else None)
        os.chmod(temporary, (source.stat().st_mode & 0o7777) if source else _default_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """0o666 less the umask, as a plain open() would create the file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
