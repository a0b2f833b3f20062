"""Git access for the resolver: REF's side is read from git objects, never checked out."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from migsafe.errors import MigsafeError
from migsafe.vcs import _git, uncommitted


@dataclass
class Repo:
    top: Path  # the work tree's top level
    ref: str
    ref_commit: str
    merge_base: str

    @classmethod
    def open(cls, root: Path, ref: str) -> "Repo":
        """The repository holding ROOT, with REF resolved and its merge-base with HEAD."""
        try:
            top = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
        except MigsafeError as exc:
            if "not installed" in exc.message:
                raise
            raise MigsafeError(
                f"{root} is not inside a git repository ({exc.message.splitlines()[-1]})",
                hint="resolve reads REF's migrations from git: run it in the checkout of the branch to resolve",
            ) from None
        try:
            commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
        except MigsafeError:
            raise MigsafeError(
                f"unknown git ref {ref!r}",
                hint="pass a branch, tag or commit that exists here (fetch it first, e.g. git fetch origin main)",
            ) from None
        try:
            base = _git(root, "merge-base", "HEAD", commit).strip()
        except MigsafeError:
            raise MigsafeError(
                f"HEAD and {ref} have no common ancestor (or HEAD has no commit yet)",
                hint="resolve needs the merge-base of the two branches; with a shallow clone, fetch more history",
            ) from None
        return cls(top=top, ref=ref, ref_commit=commit, merge_base=base)

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.top).as_posix()

    def added_between(self, old: str, new: str) -> list[Path]:
        """Files added from commit OLD to commit NEW (absolute paths in this work tree)."""
        out = _git(self.top, "diff", "--name-status", "--no-renames", "-z", old, new, "--")
        parts = out.split("\0")
        return [(self.top / name).resolve() for status, name in zip(parts[::2], parts[1::2])
                if status.startswith("A")]

    def tree(self, commit: str, directories: list[Path]) -> dict[Path, str]:
        """{absolute path: blob id} of the files directly inside DIRECTORIES at COMMIT."""
        if not directories:
            return {}
        specs = [self.rel(d) + "/" for d in directories]
        out = _git(self.top, "ls-tree", "-z", "--full-tree", commit, "--", *specs)
        entries = {}
        for entry in filter(None, out.split("\0")):
            meta, _, name = entry.partition("\t")
            mode, kind, blob = meta.split()
            if kind == "blob":
                entries[(self.top / name).resolve()] = blob
        return entries

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        """The contents of several blobs in one `git cat-file --batch`."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        result = subprocess.run(["git", "cat-file", "--batch"], cwd=self.top, input="\n".join(ids).encode() + b"\n",
                                capture_output=True, check=False)
        if result.returncode != 0:
            raise MigsafeError(f"git cat-file failed: {result.stderr.decode(errors='replace').strip()}")
        data, contents, position = result.stdout, {}, 0
        for blob in ids:
            header_end = data.index(b"\n", position)
            header = data[position:header_end].split()
            if len(header) < 3 or header[1] != b"blob":
                raise MigsafeError(f"git object {blob} is missing", hint="fetch REF's history again")
            size = int(header[2])
            contents[blob] = data[header_end + 1:header_end + 1 + size]
            position = header_end + 1 + size + 1
        return contents

    def hash_files(self, paths: list[Path]) -> dict[Path, str]:
        """Blob ids the work-tree files would have, to tell copies of REF's files from our own."""
        if not paths:
            return {}
        out = _git(self.top, "hash-object", "--", *map(str, paths))
        return dict(zip(paths, out.split()))

    def dirty(self, paths: list[Path]) -> list[str]:
        """Which of PATHS have changes git could not give back: modified, staged or untracked."""
        return uncommitted(self.top, paths)
