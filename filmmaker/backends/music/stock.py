"""The bundled stock library: `immich-memories-music` (MIT; generated with ACE-Step 1.5).

Tempo and key come from the table in the package's LICENSE-MUSIC file, where each track is listed
as `name.opus   68 bpm  C major   seed 101  [acoustic]`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import metadata

from filmmaker.backends.music.track import Track, pick, style_of
from filmmaker.errors import ResolveError

LICENCE = "MIT (immich-memories-music; generated with ACE-Step 1.5, no third-party material)"
_ROW = re.compile(r"^\s*(\S+)\.opus\s+(\d+)\s*bpm\s+([A-G][b#]?\s+(?:major|minor))", re.M)


@lru_cache(maxsize=1)
def bundled() -> tuple[Track, ...]:
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
        tracks.append(Track(path.stem, path.parent.name, path, bpm, key, LICENCE, style_of(path.stem),
                            source="library" if bpm else "none"))
    return tuple(tracks)


def pick_track(mood: str, name: str | None) -> Track:
    """The named bundled track in `mood`, or the mood's first (stable: sorted by name)."""
    return pick(bundled(), mood, name)
