"""The screenplay watched on disk: when it (or a script's sidecar) changes, the plan is made again and
every page told, within half a second. Polling the files' stamps needs no platform's file events and
sees an editor's save-by-rename as well as a write in place."""

from __future__ import annotations

import threading
from pathlib import Path

INTERVAL = 0.25


def _stamp(path: Path):
    try:
        stat = path.stat()
        return stat.st_mtime_ns, stat.st_size, stat.st_ino
    except OSError:
        return None


class Watcher:
    def __init__(self, project, on_change):
        self.project, self.on_change = project, on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="filmmaker-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        stamps = {path: _stamp(path) for path in self.project.watched()}
        while not self._stop.wait(INTERVAL):
            now = {path: _stamp(path) for path in self.project.watched()}
            if now != stamps:
                stamps = now
                try:
                    self.project.reload()
                finally:
                    self.on_change()
