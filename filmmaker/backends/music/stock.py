"""The bundled stock library: `immich-memories-music` (MIT; generated with ACE-Step 1.5).

Tempo and key come from the table in the package's LICENSE-MUSIC file, where each track is listed
as `name.opus   68 bpm  C major   seed 101  [acoustic]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from filmmaker.errors import ResolveError

LICENCE = "MIT (immich-memories-music; generated with ACE-Step 1.5, no third-party material)"
_ROW = re.compile(r"^\s*(\S+)\.opus\s+(\d+)\s*bpm\s+([A-G][b#]?\s+(?:major|minor))", re.M)


@dataclass(frozen=True)
class Track:
    name: str
    mood: str
    path: Path
    bpm: float | None
    key: str | None
    licence: str = LICENCE

    @property
    def style(self) -> str:
        return "electronic" if "electronic" in self.name else "acoustic"


@lru_cache(maxsize=1)
def library() -> tuple[Track, ...]:
    try:
        import immich_memories_music
    except ImportError:
        raise ResolveError("the stock music library is not installed: pip install immich-memories-music") from None
    root = immich_memories_music.tracks_dir()
    meta = {}
    dist = metadata.distribution("immich-memories-music")
    for file in dist.files or ():
        if file.name == "LICENSE-MUSIC":
            meta = {m.group(1): (float(m.group(2)), m.group(3)) for m in _ROW.finditer(file.read_text())}
    tracks = []
    for path in sorted(root.glob("*/*.opus")):
        bpm, key = meta.get(path.stem, (None, None))
        tracks.append(Track(path.stem, path.parent.name, path, bpm, key))
    return tuple(tracks)


def pick_track(mood: str, name: str | None) -> Track:
    """The named track in `mood`, or the mood's first track (stable: sorted by name)."""
    candidates = [t for t in library() if t.mood == mood]
    if not candidates:
        raise ResolveError(f"no stock tracks for mood {mood!r}")
    if name is None:
        return candidates[0]
    for track in candidates:
        if track.name == name:
            return track
    names = ", ".join(t.name for t in candidates)
    raise ResolveError(f"no track {name!r} in mood {mood!r}; choose one of: {names}")
