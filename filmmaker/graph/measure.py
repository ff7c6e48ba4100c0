"""Facts measured from an input file (a video's probe, an audio file's length or tempo, whether a
face photo will do), kept in the cache by the file's content: measured once, then read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from filmmaker.cache import Cache, content_key


def measured(cache: Cache, kind: str, version: int, path: Path, file_hash, measure: Callable[[], dict]) -> dict:
    """`measure()`'s result for this file's content, from the cache when it was measured before.
    An error `measure` raises is not kept: the file is examined again next time."""
    key = content_key({"kind": kind, "v": version, "sha256": file_hash(path)})
    cached = cache.get(kind, key, ".json")
    if cached:
        return json.loads(cached.read_text())
    info = measure()
    with cache.put(kind, key, ".json") as tmp:
        tmp.write_text(json.dumps(info))
    return info
