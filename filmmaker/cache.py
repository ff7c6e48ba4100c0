"""Content-addressed artifact store with atomic writes.

An artifact lives at `<root>/<kind>/<k[:2]>/<k><ext>` beside a `<k>.record.json` record of its size and
SHA-256. A record is written only after its artifact has been renamed into place, so a crash at
any point leaves either a complete entry or none: an artifact without a record is never served,
and one that no longer matches its record is quarantined, never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filmmaker.errors import FilmmakerError
from filmmaker.partials import part_prefix

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
QUARANTINE = "quarantine"  # damaged entries are moved here, out of the way
WRITE_SECONDS = 60  # an artifact without a record younger than this may be one a build is writing now
_GONE = (FileNotFoundError, NotADirectoryError)  # missing, or a file stands where a folder on its path was


class StateError(FilmmakerError):
    """A file stands where filmmaker keeps a folder of its own (`.filmmaker/`, the cache)."""


def require_folder(folder: Path, what: str) -> None:
    """Raise StateError if `folder`, or the nearest of its parents that exists, is not a folder."""
    for here in (folder, *folder.parents):
        if os.path.lexists(here):
            if not here.is_dir():
                raise StateError(f"{here} is a file where filmmaker keeps {what} ({folder}); move or delete it "
                                 "and build again (filmmaker makes the folder anew)")
            return


def check_state(state_dir: Path, cache_root: Path) -> None:
    """Before any work: a file where the project's state folders go, or a folder where its hash
    memo goes, is the user's to move (it may be theirs); say so rather than fail halfway."""
    require_folder(state_dir, "a project's build state")
    require_folder(cache_root, "the build cache")
    for name, what in (("manifests", "the builds' manifests"), ("run", "a running build's files")):
        require_folder(state_dir / name, what)
    memo = state_dir / "file-hashes.json"
    if memo.is_dir():
        raise StateError(f"{memo} is a folder where filmmaker keeps a file (the hashes of the inputs); move or "
                         "delete it and build again")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temp path in `final`'s folder; on success fsync it and rename it over `final`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    # named after this process: a sweep tells a killed writer's leftovers from a live one's (partials.py)
    fd, tmp = tempfile.mkstemp(prefix=part_prefix(final.stem), suffix=f".part{final.suffix}", dir=final.parent)
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


def write_if_changed(final: Path, data: bytes) -> None:
    """`atomic_write_bytes`, unless the file already holds exactly `data` (its mtime then stays)."""
    if not (final.is_file() and final.stat().st_size == len(data) and final.read_bytes() == data):
        atomic_write_bytes(final, data)


@dataclass(frozen=True)
class Entry:
    kind: str
    key: str
    path: Path  # the artifact
    record: Path
    size: int  # bytes on disk, artifact and record
    mtime: float  # when the entry was written (its record's mtime)


class Cache:
    """Artifacts under content keys. Every read checks the artifact against its record (size and
    SHA-256, hashed once per process); a mismatch is moved to `quarantine/`, noted in `corrupt`
    and reported as a miss, so it is rebuilt, never served.

    Builds of one project may run at once: each entry is written under a temp name and renamed
    into place, and its record only after that, so a reader sees a complete entry or none. An
    artifact whose record is not (yet) there is a miss, left alone: its writer may be mid-way."""

    def __init__(self, root: Path):
        self.root = root
        self.corrupt: list[str] = []  # what was found damaged and quarantined, for the build report
        self._verified: dict[tuple[str, str], tuple[int, int]] = {}  # entry -> (size, mtime) when checked
        self.touched: set[tuple[str, str]] = set()  # entries found or written: what a build references
        self.written: list[tuple[str, str, str]] = []  # (kind, key, ext) stored by this process, in order

    def path(self, kind: str, key: str, ext: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{ext}"

    def _record_path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.record.json"

    def get(self, kind: str, key: str, ext: str) -> Path | None:
        """The artifact's path if a complete, intact entry exists."""
        path = self.path(kind, key, ext)
        try:
            record = json.loads(self._record_path(kind, key).read_text())
        except _GONE:
            return None  # never written, or its writer is not done yet (or a file stands where its folder was)
        except (OSError, ValueError):
            record = None
        stamp = _stamp(path)
        if stamp is not None and self._verified.get((kind, key)) == stamp:
            self.touched.add((kind, key))
            return path  # hashed already in this process, and not touched since
        problem = _damage(path, record)
        if problem == "missing":
            self._record_path(kind, key).unlink(missing_ok=True)  # a record without its artifact serves nothing
            return None
        if problem:
            self.quarantine(kind, key, path, problem)
            return None
        self._verified[kind, key] = stamp
        self.touched.add((kind, key))
        return path

    def has(self, kind: str, key: str, ext: str) -> bool:
        return self.get(kind, key, ext) is not None

    def recorded(self, kind: str, key: str) -> bool:
        """Whether an entry was stored (without reading or checking it)."""
        return self._record_path(kind, key).is_file()

    def reference(self, kind: str, key: str) -> None:
        """Note an entry as used without reading it (its record vouched for a copy elsewhere)."""
        self.touched.add((kind, key))

    def record(self, kind: str, key: str) -> dict[str, Any]:
        return json.loads(self._record_path(kind, key).read_text())

    @contextlib.contextmanager
    def put(self, kind: str, key: str, ext: str, meta: dict[str, Any] | None = None) -> Iterator[Path]:
        """Yield a temp path to write the artifact to; it is stored only if the block succeeds."""
        if meta and meta.keys() & RECORD_FIELDS:
            raise ValueError(f"meta may not replace the record's own fields: {sorted(meta.keys() & RECORD_FIELDS)}")
        final = self.path(kind, key, ext)
        self._make_folder(final.parent)
        with atomic_path(final) as tmp:
            yield tmp
            if not tmp.exists() or tmp.stat().st_size == 0:
                raise OSError(f"the {kind} artifact was not written")
            size = tmp.stat().st_size
            digest = file_sha256(tmp)
        record = {"kind": kind, "key": key, "size": size, "sha256": digest, **(meta or {})}
        atomic_write_bytes(self._record_path(kind, key), json.dumps(record, sort_keys=True).encode())
        self._verified[kind, key] = _stamp(final)
        self.touched.add((kind, key))
        self.written.append((kind, key, ext))

    def adopt(self, kind: str, key: str, ext: str, data: bytes, record: dict[str, Any]) -> None:
        """Store an artifact made elsewhere (another machine's cache), trusting nothing: its bytes
        must match the record it came with, which is then kept as this entry's record."""
        if record.get("kind") != kind or record.get("key") != key:
            raise OSError(f"a {kind} artifact arrived with the record of {record.get('kind')} {record.get('key')}")
        if len(data) != record.get("size") or hashlib.sha256(data).hexdigest() != record.get("sha256"):
            raise OSError(f"the {kind} artifact {key[:12]} arrived damaged (its size or SHA-256 differs from its record)")
        meta = {k: v for k, v in record.items() if k not in RECORD_FIELDS}
        with self.put(kind, key, ext, meta) as tmp:
            tmp.write_bytes(data)
        self.written.pop()  # adopted, not made here

    def discard(self, kind: str, key: str, ext: str) -> None:
        self._record_path(kind, key).unlink(missing_ok=True)
        self.path(kind, key, ext).unlink(missing_ok=True)
        self._verified.pop((kind, key), None)

    def quarantine(self, kind: str, key: str, path: Path, problem: str) -> None:
        """Move a damaged entry aside (kept for a post-mortem, removed by `gc`) and note it."""
        aside = self.root / QUARANTINE / kind
        self._make_folder(aside)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for source in (path, self._record_path(kind, key)):
            with contextlib.suppress(*_GONE):
                os.replace(source, aside / f"{stamp}.{source.name}")
        self._verified.pop((kind, key), None)
        self.corrupt.append(f"{kind} {key[:12]}: {problem}; moved to {aside} and rebuilt")

    # -- the whole store -------------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        """Every entry that has a record (quarantine and temp files aside)."""
        if not self.root.is_dir():
            return
        for record in sorted(self.root.glob("*/??/*.record.json")):
            kind, key = record.parent.parent.name, record.name.removesuffix(".record.json")
            if kind == QUARANTINE:
                continue
            artifacts = [p for p in record.parent.glob(f"{key}.*") if p != record]
            artifact = artifacts[0] if artifacts else record.with_name(key)
            size = record.stat().st_size + (artifact.stat().st_size if artifact.is_file() else 0)
            yield Entry(kind, key, artifact, record, size, record.stat().st_mtime)

    def verify(self) -> list[str]:
        """Re-hash every entry; quarantine and return the damaged ones: an artifact that does not
        match its record, a record whose artifact is gone, an artifact whose record is gone, and a
        file standing where a folder of the cache belongs."""
        before = len(self.corrupt)
        self._clear_folders()
        recorded = set()
        for entry in self.entries():
            recorded.add((entry.kind, entry.key))
            self._verified.pop((entry.kind, entry.key), None)
            if not entry.path.is_file():
                entry.record.unlink(missing_ok=True)  # it vouches for nothing: the next build remakes the artifact
                self.corrupt.append(f"{entry.kind} {entry.key[:12]}: its artifact is gone (deleted?); its record "
                                    "was removed and it is rebuilt")
                continue
            self.get(entry.kind, entry.key, entry.path.suffix)
        settled = time.time() - WRITE_SECONDS
        for path in self._artifacts():
            kind, key = path.parent.parent.name, path.name.split(".")[0]
            if (kind, key) not in recorded and _mtime(path) < settled:  # newer: its writer may be finishing
                self.quarantine(kind, key, path, "its record is gone (deleted, or its build was killed before "
                                "writing it), so nothing vouches for it")
        return self.corrupt[before:]

    def _artifacts(self) -> Iterator[Path]:
        """Every artifact file under a kind's shard folders (records, temp files and quarantine aside)."""
        for path in self.root.glob("*/??/*") if self.root.is_dir() else ():
            if (path.parent.parent.name != QUARANTINE and not path.name.startswith(".")
                    and not path.name.endswith(".record.json") and path.is_file()):
                yield path

    def _make_folder(self, folder: Path) -> None:
        """`folder`, inside the cache, made; a file standing in its way (a cache folder replaced by
        hand, by a sync tool) is moved to quarantine and reported, so it does not stop every build."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return
        except (FileExistsError, NotADirectoryError):
            pass
        require_folder(self.root, "the build cache")  # the root itself (or above it): the user's to fix
        here = self.root
        for part in folder.relative_to(self.root).parts:
            here = here / part
            if os.path.lexists(here) and not here.is_dir():
                self._set_aside(here)
        folder.mkdir(parents=True, exist_ok=True)

    def _set_aside(self, path: Path) -> None:
        relative = path.relative_to(self.root)
        if relative.parts[0] == QUARANTINE:  # junk inside the quarantine itself: nothing to keep
            path.unlink()
            return
        aside = self.root / QUARANTINE
        self._make_folder(aside)
        os.replace(path, aside / f"{time.strftime('%Y%m%dT%H%M%S')}.{'-'.join(relative.parts)}")
        self.corrupt.append(f"{relative}: a file stood where a folder of the cache belongs; moved to {aside}")

    def _clear_folders(self) -> None:
        """Set aside files standing where shard folders belong (a kind's folder in the way is set
        aside when a build needs it: the root may be a shared folder that holds other files)."""
        for path in self.root.glob("*/??") if self.root.is_dir() else ():
            if all(c in "0123456789abcdef" for c in path.name) and not path.is_dir():
                self._set_aside(path)

    def gc(self, keep: set[tuple[str, str]], grace_seconds: float, now: float | None = None) -> list[Path]:
        """Remove entries not in `keep` and older than the grace period, with stale temp files,
        artifacts left without a record by a killed build, and old quarantine. Returns what went."""
        cutoff = (now or time.time()) - grace_seconds
        removed: list[Path] = []
        for entry in list(self.entries()):
            if (entry.kind, entry.key) not in keep and entry.mtime < cutoff:
                for path in (entry.record, entry.path):  # record first: never a record without its artifact
                    if path.is_file():
                        path.unlink()
                        removed.append(path)
        recorded = {(e.kind, e.key) for e in self.entries()}
        for path in self.root.glob("*/*/*") if self.root.is_dir() else ():
            if not path.is_file() or path.stat().st_mtime >= cutoff:
                continue
            kind, name = path.parent.parent.name, path.name
            stray = name.startswith(".") or kind == QUARANTINE or (kind, name.split(".")[0]) not in recorded
            if stray:
                path.unlink()
                removed.append(path)
        return removed


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except _GONE:
        return None
    return stat.st_size, stat.st_mtime_ns


def _damage(path: Path, record: dict | None) -> str | None:
    """What is wrong with an artifact against its record, or None."""
    if not isinstance(record, dict) or not {"size", "sha256"} <= record.keys():
        return "its record is unreadable"
    try:
        size = path.stat().st_size
    except _GONE:
        return "missing"
    if size != record["size"]:
        return f"{size} bytes where {record['size']} were written"
    if file_sha256(path) != record["sha256"]:
        return "its content does not match the SHA-256 recorded when it was written"
    return None


class FileHashes:
    """SHA-256 of input files (and of the outputs a build left, to tell they are still as made),
    re-hashed only when their stamp changes (doit's trick). The stamp is size, mtime, ctime and
    inode: a file rewritten with its size and mtime put back (`touch -r`, a careless tool) still
    has a new ctime, which no one can set back, so damage is never taken for the file as made."""

    def __init__(self, store: Path):
        self.store = store
        self.dirty = False
        try:
            self.entries: dict[str, list] = json.loads(store.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def __call__(self, path: Path) -> str:
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        entry = self.entries.get(str(path))
        if entry and len(entry) == len(stamp) + 1 and entry[:-1] == stamp:
            return entry[-1]
        digest = file_sha256(path)
        self.entries[str(path)] = [*stamp, digest]
        self.dirty = True
        return digest

    def save(self) -> None:
        if self.dirty:
            try:
                atomic_write_bytes(self.store, json.dumps(self.entries, sort_keys=True).encode())
            except OSError:  # a memo only: unsaved, the files are hashed again next time
                return
            self.dirty = False
