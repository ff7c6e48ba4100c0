"""Content-addressed artifact store with atomic writes.

An artifact lives at `<root>/<kind>/<k[:2]>/<k><ext>` beside a `<k>.record.json` record of its size and
SHA-256. A record is written only after its artifact has been renamed into place, so a crash at
any point leaves either a complete entry or none: an artifact without a record is never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

_UMASK = os.umask(0)
os.umask(_UMASK)


def content_key(fields: dict[str, Any]) -> str:
    """Hash of everything that determines an artifact's bytes (canonical JSON, sorted keys)."""
    blob = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


RECORD_FIELDS = {"kind", "key", "size", "sha256"}  # what a record checks its artifact by


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temp path in `final`'s folder; on success fsync it and rename it over `final`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; a film should open like any file
        os.replace(tmp_path, final)
    finally:
        tmp_path.unlink(missing_ok=True)


def atomic_write_bytes(final: Path, data: bytes) -> None:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)


class Cache:
    def __init__(self, root: Path):
        self.root = root

    def path(self, kind: str, key: str, ext: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{ext}"

    def _record_path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.record.json"

    def get(self, kind: str, key: str, ext: str) -> Path | None:
        """The artifact's path if a complete entry exists; a damaged entry is dropped."""
        path = self.path(kind, key, ext)
        try:
            record = json.loads(self._record_path(kind, key).read_text())
            if path.stat().st_size == record["size"]:
                return path
        except (OSError, ValueError, KeyError, TypeError):
            pass
        self.discard(kind, key, ext)
        return None

    def has(self, kind: str, key: str, ext: str) -> bool:
        return self.get(kind, key, ext) is not None

    def record(self, kind: str, key: str) -> dict[str, Any]:
        return json.loads(self._record_path(kind, key).read_text())

    @contextlib.contextmanager
    def put(self, kind: str, key: str, ext: str, meta: dict[str, Any] | None = None) -> Iterator[Path]:
        """Yield a temp path to write the artifact to; it is stored only if the block succeeds."""
        if meta and meta.keys() & RECORD_FIELDS:
            raise ValueError(f"meta may not replace the record's own fields: {sorted(meta.keys() & RECORD_FIELDS)}")
        final = self.path(kind, key, ext)
        with atomic_path(final) as tmp:
            yield tmp
            if not tmp.exists() or tmp.stat().st_size == 0:
                raise OSError(f"the {kind} artifact was not written")
            size = tmp.stat().st_size
            digest = file_sha256(tmp)
        record = {"kind": kind, "key": key, "size": size, "sha256": digest, **(meta or {})}
        atomic_write_bytes(self._record_path(kind, key), json.dumps(record, sort_keys=True).encode())

    def discard(self, kind: str, key: str, ext: str) -> None:
        self._record_path(kind, key).unlink(missing_ok=True)
        self.path(kind, key, ext).unlink(missing_ok=True)


class FileHashes:
    """SHA-256 of input files, re-hashed only when size or mtime change (doit's trick)."""

    def __init__(self, store: Path):
        self.store = store
        self.dirty = False
        try:
            self.entries: dict[str, list] = json.loads(store.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def __call__(self, path: Path) -> str:
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = self.entries.get(str(path))
        if entry and entry[:2] == stamp:
            return entry[2]
        digest = file_sha256(path)
        self.entries[str(path)] = [*stamp, digest]
        self.dirty = True
        return digest

    def save(self) -> None:
        if self.dirty:
            atomic_write_bytes(self.store, json.dumps(self.entries, sort_keys=True).encode())
            self.dirty = False
