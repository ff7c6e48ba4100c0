"""Input files by content, for workers that do not see the driver's disk.

The build's spec names its inputs by the driver's paths: stills, footage, faces, voice samples,
model folders, music tracks. `inputs_of` finds every such path in the spec and describes it as a
bundle: the files that make it up (a file with its sidecars, such as `voice.onnx.json` beside
`voice.onnx`, or every file of a folder), each by SHA-256. A worker `materialize`s a bundle under
its own store, in a folder named by the bundle's hash, so the same content lands in the same
place however many builds ask for it; then `translate` rewrites the spec to point there.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Callable


@dataclass(frozen=True)
class Bundle:
    """What one driver path stands for: `files` (relative path -> SHA-256) under a folder named by
    `digest`; `entry` is the part of it the spec names (the file, or the folder itself)."""

    files: tuple[tuple[str, str], ...]
    entry: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps([self.files, self.entry]).encode()).hexdigest()[:32]


def walk_values(obj: Any, visit: Callable[[Any], Any]) -> Any:
    """`obj` with every value `visit` replaces (it returns something other than None) replaced,
    through dataclasses, dicts, lists, tuples and sets; the rest is shared, not copied."""
    replaced = visit(obj)
    if replaced is not None:
        return replaced
    if isinstance(obj, (str, bytes, int, float, bool, type(None))) or isinstance(obj, type):
        return obj
    if isinstance(obj, dict):
        return {walk_values(k, visit): walk_values(v, visit) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [walk_values(v, visit) for v in obj]
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple
            return type(obj)(*items)
        return type(obj)(items)
    if dataclasses.is_dataclass(obj):
        clone = copy.copy(obj)
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            new = walk_values(value, visit)
            if new is not value:
                object.__setattr__(clone, f.name, new)  # frozen dataclasses too
        return clone
    return obj


def _named_paths(obj: Any, skip: tuple[Path, ...]) -> set[str]:
    """Absolute paths in `obj` (Path values, and strings that name an existing file or folder)."""
    found: set[str] = set()

    def visit(value):
        if isinstance(value, PurePath) or (isinstance(value, str) and value.startswith(os.sep) and "\n" not in value):
            path = Path(value)
            if path.is_absolute() and path.exists() and not any(path == s or s in path.parents for s in skip):
                found.add(str(value))
            return value
        return None

    walk_values(obj, visit)
    return found


def _sidecars(path: Path) -> list[Path]:
    """Files beside `path` that tools read with it: `NAME.*` and `STEM.*` (a voice's `.onnx.json`,
    a track's `.json`, a photo's `.xmp`)."""
    prefixes = (path.name + ".", path.stem + ".")
    return sorted(p for p in path.parent.iterdir()
                  if p != path and p.is_file() and p.name.startswith(prefixes))


def bundle_of(path: Path, file_hash) -> tuple[Bundle, dict[str, Path]]:
    """The bundle for one path, and where each of its files is on this machine (by SHA-256)."""
    local: dict[str, Path] = {}
    if path.is_dir():
        members = sorted(p for p in path.rglob("*") if p.is_file())
        named = [(f"{path.name}/{p.relative_to(path).as_posix()}", p) for p in members]
        entry = path.name
    else:
        named = [(p.name, p) for p in [path, *_sidecars(path)]]
        entry = path.name
    files = []
    for name, p in named:
        digest = file_hash(p)
        files.append((name, digest))
        local[digest] = p
    return Bundle(tuple(files), entry), local


def inputs_of(spec: Any, file_hash, skip: tuple[Path, ...]) -> tuple[dict[str, Bundle], dict[str, Path]]:
    """Every input path the spec names -> its bundle; and SHA-256 -> a local file holding it."""
    bundles: dict[str, Bundle] = {}
    files: dict[str, Path] = {}
    for name in sorted(_named_paths(spec, skip)):
        bundle, local = bundle_of(Path(name), file_hash)
        bundles[name] = bundle
        files.update(local)
    return bundles, files


def missing(bundle: Bundle, store: Path) -> list[str]:
    """The SHA-256 of each of the bundle's files that `store` does not hold yet."""
    folder = store / bundle.digest
    return [digest for name, digest in bundle.files
            if not ((folder / name).is_file() and _stamped(folder / name, digest))]


def materialize(bundle: Bundle, store: Path, fetch: Callable[[str], bytes]) -> Path:
    """The bundle's entry under `store`, writing whichever of its files are not there yet (each
    checked against its SHA-256, written under a temp name and renamed, so a worker killed midway
    leaves nothing another one would trust)."""
    from filmmaker.cache import atomic_write_bytes, file_sha256

    folder = store / bundle.digest
    for name, digest in bundle.files:
        target = folder / name
        if target.is_file() and _stamped(target, digest):
            continue
        data = fetch(digest)
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(f"input {name} arrived damaged (SHA-256 differs from the driver's)")
        atomic_write_bytes(target, data)
        os.utime(target)
        _stamp(target, file_sha256(target))
    return folder / bundle.entry


def _stamped(path: Path, digest: str) -> bool:
    stamp = path.with_name(f".{path.name}.sha256")
    try:
        size, mtime, recorded = stamp.read_text().split()
    except (OSError, ValueError):
        return False
    stat = path.stat()
    return recorded == digest and int(size) == stat.st_size and int(mtime) == stat.st_mtime_ns


def _stamp(path: Path, digest: str) -> None:
    stat = path.stat()
    path.with_name(f".{path.name}.sha256").write_text(f"{stat.st_size} {stat.st_mtime_ns} {digest}")


def translate(spec: Any, where: dict[str, Path]) -> Any:
    """The spec with each driver path in `where` replaced by its local copy (a str stays a str)."""

    def visit(value):
        if isinstance(value, (PurePath, str)) and str(value) in where:
            local = where[str(value)]
            return local if isinstance(value, PurePath) else str(local)
        return None

    return walk_values(spec, visit)
