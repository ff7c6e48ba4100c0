"""A track of the music library and how a cue picks one: shared by the bundled stock and the
user's folders, so neither needs the other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from filmmaker.errors import ResolveError

STYLES = ("acoustic", "electronic")


@dataclass(frozen=True)
class Track:
    name: str
    mood: str
    path: Path
    bpm: float | None
    key: str | None
    licence: str
    style: str = "acoustic"
    downbeat: float = 0.0  # seconds from the file's start to its first bar line
    source: str = "library"  # where bpm came from: library, sidecar, measured, none (not yet measured)


def style_of(name: str) -> str:
    return "electronic" if "electronic" in name.lower() else "acoustic"


def pick(tracks: tuple[Track, ...], mood: str, name: str | None = None, style: str | None = None) -> Track:
    """The named track in `mood` (and `style`), or the first such (stable: library order)."""
    in_mood = [t for t in tracks if t.mood == mood]
    candidates = [t for t in in_mood if style is None or t.style == style]
    if not candidates:
        if in_mood:
            raise ResolveError(f"no {style} tracks for mood {mood!r}; its tracks are "
                               f"{', '.join(sorted({t.style for t in in_mood}))}: drop `style` or change it")
        known = ", ".join(sorted({t.mood for t in tracks}))
        raise ResolveError(f"no tracks for mood {mood!r}; moods with tracks: {known}. Add audio files "
                           f"under <library folder>/{mood}/ or pick another mood")
    if name is None:
        return candidates[0]
    for track in candidates:
        if track.name == name:
            return track
    names = ", ".join(t.name for t in candidates)
    raise ResolveError(f"no track {name!r} in mood {mood!r}; choose one of: {names}")
