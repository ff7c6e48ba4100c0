"""`picture: {find: ...}` -> the library still or footage shot that best matches the shot's words.

Shots choose in film order, each the best-scoring entry not yet taken (unless `reuse: true`) that is
long enough for the shot, above the library's threshold. The choice is a plain `still` or `footage`
picture from then on (face swap, camera, export: all as if it had been written), carrying what was
found (`Found`) for the plan and `filmmaker library pin`. Nothing above the threshold: the shot's
words become a `prompt` (a storyboard panel until an image model is configured), with a warning.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from filmmaker.library.index import Entry, LibraryIndex, open_index, ranked
from filmmaker.plan import EMPTY_SHOT, GAP, LEAD_IN, TAIL, WORDS_PER_SECOND
from filmmaker.screenplay.model import Candidate, Found, Picture, Scene, Screenplay, Shot

MARGIN = 1.1  # a footage shot must outlast the estimate by this much: spoken lines run long as often as short
RUNNERS_UP = 2


def has_finds(sp: Screenplay) -> bool:
    return any(shot.picture.kind == "find" for _, shot in sp.shots())


def resolve_finds(sp: Screenplay, index: LibraryIndex | None = None, progress=None) -> Screenplay:
    """`sp` with every `find:` picture chosen. `index`: the library's, opened when not given."""
    if not has_finds(sp):
        return sp
    if index is None:
        index, _ = open_index(sp.library, sp.root / ".filmmaker", progress)
    used = _taken_by_name(sp, index.entries)
    scenes = []
    for scene in sp.scenes:
        shots = []
        for shot in scene.shots:
            if shot.picture.kind == "find":
                shot = replace(shot, picture=_choose(sp, scene, shot, index, used))
            shots.append(shot)
        scenes.append(replace(scene, shots=tuple(shots)))
    return replace(sp, scenes=tuple(scenes))


def _choose(sp: Screenplay, scene: Scene, shot: Shot, index: LibraryIndex, used: set[int]) -> Picture:
    picture, find = shot.picture, shot.picture.find
    needed = needed_seconds(sp, shot) * MARGIN
    eligible = [(i, score) for i, score in ranked(index.scores(find.text, context(sp, scene, shot)))
                if (find.reuse or i not in used) and _long_enough(index.entries[i], needed)]
    above = [(i, score) for i, score in eligible if score >= sp.library.threshold]
    if not above:
        found = Found(find, None, tuple(_candidate(index.entries[i], s) for i, s in eligible[:RUNNERS_UP]))
        return Picture("prompt", find.text, anchor=picture.anchor, pos=picture.pos, found=found)
    (best, score), others = above[0], eligible[1:1 + RUNNERS_UP]
    used.add(best)
    entry = index.entries[best]
    found = Found(find, _candidate(entry, score), tuple(_candidate(index.entries[i], s) for i, s in others))
    source = written_path(sp.root, entry.path)
    if entry.kind == "still":
        return Picture("still", source, entry.path, anchor=picture.anchor, pos=picture.pos, found=found)
    return Picture("footage", source, entry.path, entry.start, entry.end, picture.keep_audio, picture.anchor,
                   pos=picture.pos, found=found)


def context(sp: Screenplay, scene: Scene, shot: Shot) -> str:
    """The scene's heading and how the shot's speakers look: what the shot's own words leave unsaid."""
    looks = []
    for role in dict.fromkeys(line.speaker for line in shot.lines):
        actor = sp.actors.get(sp.cast.get(role, ""))
        if actor is not None and actor.look:
            looks.append(actor.look)
    return ". ".join([scene.heading, *looks]) if scene.heading else ". ".join(looks)


def needed_seconds(sp: Screenplay, shot: Shot) -> float:
    """How long the shot will run, as far as its words tell before they are spoken; 0 for a shot the
    footage itself will time."""
    if shot.duration is not None:
        return shot.duration
    if not shot.lines:
        return 0.0 if shot.picture.kind in ("footage", "find") else EMPTY_SHOT
    actors = {role: sp.actors.get(actor_id) for role, actor_id in sp.cast.items()}
    spoken = 0.0
    for line in shot.lines:
        rate = actors[line.speaker].voice.rate if actors.get(line.speaker) else 1.0
        spoken += len(line.text.split()) / WORDS_PER_SECOND / rate + line.pause_before + line.pause_after
    return LEAD_IN + spoken + GAP * (len(shot.lines) - 1) + TAIL


def _long_enough(entry: Entry, needed: float) -> bool:
    return entry.kind == "still" or entry.seconds is None or entry.seconds >= needed


def _candidate(entry: Entry, score: float) -> Candidate:
    return Candidate(entry.path, entry.kind, entry.start, entry.end, round(score, 4), entry.licence)


def _taken_by_name(sp: Screenplay, entries: list[Entry]) -> set[int]:
    """Entries the screenplay already pictures by name: a still, or a footage shot its in/out overlaps."""
    named = [shot.picture for _, shot in sp.shots() if shot.picture.kind in ("still", "footage")]
    taken = set()
    for i, entry in enumerate(entries):
        for picture in named:
            if picture.path is None or picture.path.resolve() != entry.path.resolve():
                continue
            end = picture.end if picture.end is not None else float("inf")
            if entry.kind == "still" or (picture.start < (entry.end or float("inf")) and entry.start < end):
                taken.add(i)
    return taken


def written_path(root: Path, path: Path) -> str:
    """A library file as a screenplay names it: relative to the screenplay's folder when inside it,
    else from ~ when in the home folder, else absolute."""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    home = Path(os.path.expanduser("~"))
    if path.is_relative_to(home):
        return "~/" + path.relative_to(home).as_posix()
    return str(path)
