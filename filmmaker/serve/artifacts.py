"""Media the page may fetch, by opaque id: the server names each file it offers (the cut, its
subtitles, thumbnails, exports, stems, an audition reel) and a request names only the id. No path
from a request ever reaches the filesystem; a file that has become a link, or has left the folders
it was offered from, is not served."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

ID_PATTERN = re.compile(r"[0-9a-f]{24}")


class Artifacts:
    def __init__(self, roots: tuple[Path, ...]):
        self.roots = tuple(Path(os.path.realpath(root)) for root in roots)
        self._files: dict[str, Path] = {}
        self._lock = threading.Lock()

    def offer(self, path: Path) -> str | None:
        """An id for `path` (a regular file, not a link, inside one of the roots), or None."""
        if not self._servable(path):
            return None
        stat = path.stat()
        # the file's name and version: a rebuilt cut gets a new id, so no browser plays a stale copy
        artifact_id = hashlib.sha256(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:24]
        with self._lock:
            self._files[artifact_id] = path
        return artifact_id

    def path(self, artifact_id: str) -> Path | None:
        if not ID_PATTERN.fullmatch(artifact_id):
            return None
        with self._lock:
            path = self._files.get(artifact_id)
        return path if path is not None and self._servable(path) else None

    def _servable(self, path: Path) -> bool:
        try:
            if path.is_symlink() or not path.is_file():
                return False
        except OSError:
            return False
        real = Path(os.path.realpath(path))
        return any(real.is_relative_to(root) for root in self.roots)
