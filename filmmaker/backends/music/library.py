"""The music library a film draws on: the bundled stock tracks plus the user's own folders.

A user folder holds one subfolder per mood (`calm/theme.wav`); files at its top take the
folder's name as their mood. Beside a track, an optional sidecar `theme.json` gives what a
listener cannot be asked for: {"bpm": 96, "key": "A minor", "downbeat": 0.12, "licence": "CC BY
4.0, Jane Doe", "style": "acoustic", "mood": "tense"}. A folder-wide LICENSE/LICENCE file is the
fallback licence. Tempo and key missing from both are measured from the sound when a cue uses
the track (see `tempo.py`).
"""

from __future__ import annotations

import json
from pathlib import Path

from filmmaker.backends.music.track import STYLES, Track, pick, style_of  # noqa: F401 (part of this module's interface)
from filmmaker.errors import ResolveError

AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac"}
_LICENCE_FILES = ("LICENSE", "LICENCE", "LICENSE.txt", "LICENCE.txt", "LICENSE.md", "LICENCE.md")


def read_sidecar(path: Path) -> dict:
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text())
    except (OSError, ValueError) as exc:
        raise ResolveError(f"{sidecar}: not readable JSON ({exc}); write it like "
                           '{"bpm": 96, "key": "A minor", "licence": "CC BY 4.0, Jane Doe"}') from None
    if not isinstance(data, dict):
        raise ResolveError(f"{sidecar}: expected a JSON object like {{\"bpm\": 96, \"licence\": \"...\"}}")
    bpm = data.get("bpm")
    if bpm is not None and (not isinstance(bpm, (int, float)) or not 20 <= bpm <= 300):
        raise ResolveError(f"{sidecar}: bpm must be a number between 20 and 300, got {bpm!r}")
    return data


def _folder_licence(folder: Path, root: Path) -> str | None:
    for where in (folder, root):
        for name in _LICENCE_FILES:
            if (where / name).is_file():
                text = (where / name).read_text(errors="replace").strip()
                return text.splitlines()[0].strip() if text else None
    return None


def file_track(path: Path, mood: str = "", root: Path | None = None) -> Track:
    """A track from any audio file, with what its sidecar (or folder licence) says about it."""
    meta = read_sidecar(path)
    licence = meta.get("licence") or meta.get("license") or _folder_licence(path.parent, root or path.parent)
    bpm = meta.get("bpm")
    return Track(path.stem, str(meta.get("mood") or mood), path, float(bpm) if bpm else None, meta.get("key"),
                 str(licence or f"unknown: add \"licence\" to {path.stem}.json beside the file"),
                 meta.get("style") if meta.get("style") in STYLES else style_of(path.stem),
                 float(meta.get("downbeat", 0.0) or 0.0), "sidecar" if bpm else "none")


def folder_tracks(folder: Path) -> tuple[Track, ...]:
    tracks, inside = [], folder.resolve()
    for path in sorted(folder.rglob("*")):
        # a regular file (no FIFO or device), and no link leading out of the library: media stay where declared
        if path.suffix.lower() in AUDIO_SUFFIXES and path.is_file() and not path.name.startswith(".") \
                and path.resolve().is_relative_to(inside):
            mood = path.parent.name if path.parent != folder else folder.name
            tracks.append(file_track(path, mood, folder))
    return tuple(tracks)


def library(folders: tuple[Path, ...] = ()) -> tuple[Track, ...]:
    from filmmaker.backends.music.stock import bundled

    tracks = list(bundled())
    for folder in folders:
        tracks.extend(folder_tracks(folder))
    return tuple(tracks)


def moods(folders: tuple[Path, ...] = ()) -> list[str]:
    return sorted({track.mood for track in library(folders)})


def with_measurements(track: Track) -> Track:
    """The track with tempo, downbeat and key measured from its sound where nothing gave them."""
    if track.bpm and track.key:
        return track
    from dataclasses import replace

    from filmmaker.backends.music.tempo import measure
    from filmmaker.render.ffmpeg import decode_audio

    found = measure(decode_audio(track.path), 48_000)
    if track.bpm:
        return replace(track, key=track.key or found.key)
    return replace(track, bpm=found.bpm, downbeat=found.downbeat, key=track.key or found.key,
                   source="measured" if found.bpm else "none")
