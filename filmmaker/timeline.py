"""The film's edit as one OpenTimelineIO Timeline: the join reads its lengths, every export writes it.

V1 holds a clip per shot, named by the shot id, over the shot's media file (`media/<REEL>.mp4`,
with handles where a dissolve needs frames beyond the shot) and a centred SMPTE dissolve wherever
the screenplay crossfades; a fade through black is such a dissolve too, marked `kind: fade` in
its metadata (each export says it in its own way, export.py). A first shot's fade in and a
`fade_out` are in the shot's frames, so in its media; its clip's metadata says so. A1 holds a clip
per spoken line over the dialogue stem (lines spoken at once share one); A2 a clip per score cue
over the music stem; a marker on the stack at each scene's first frame. Times are in frames at the
screenplay's rate; record timecode starts at 01:00:00:00 unless the caller says otherwise.

Reel names (CMX 3600: at most 8 characters, here A-Z 0-9 _) are derived from the shot id alone,
so they survive recasting, reordering and adding shots.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from filmmaker.errors import FilmmakerError
from filmmaker.plan import Plan, ShotSpans, Timing, fade_in_frames, fade_out_frames

if TYPE_CHECKING:
    import opentimelineio as otio

DEFAULT_START = "01:00:00:00"
DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))
REEL_LENGTH = 8
_REEL = re.compile(r"^[A-Z0-9_]{1,8}$")
_TIMECODE = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)[:;.](\d{2})$")
STEMS = {"A1": ("dialogue", "stems/dialogue.wav"), "A2": ("music", "stems/music.wav")}


# -- names -------------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """`text` in plain ASCII: accents dropped (Café -> Cafe), anything else unprintable -> '?'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    kept = "".join(ch if " " <= ch <= "~" else "?" for ch in folded)
    return kept if kept.strip() or not text.strip() else "?" * len(text.strip())


def _hashed_reel(name: str, salt: int = 0) -> str:
    """Up to 4 legible characters of the name, then a digest of the whole name to fill 8."""
    legible = re.sub(r"[^A-Z0-9]", "", ascii_fold(name).upper())[:4]
    digest = hashlib.sha256(f"{name}#{salt}".encode()).digest()
    code = base64.b32encode(digest).decode("ascii")  # A-Z and 2-7: reel-safe
    return legible + code[:REEL_LENGTH - len(legible)]


def reel_names(shot_ids: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(shot id -> reel, shot id -> reel for the ids that could not be their own reel).

    An id that is already a reel name (ignoring case) stays itself, upper-cased. Any other gets a
    name from its own characters and digest, never from its neighbours, so a reel keeps its name
    when shots around it change. Should two names still collide, the later shot in film order
    takes the next digest.
    """
    reels: dict[str, str] = {}
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for sid in shot_ids:
        reel = sid.upper()
        if not _REEL.match(reel) or reel in taken:
            salt = 0
            reel = _hashed_reel(sid)
            while reel in taken:
                salt += 1
                reel = _hashed_reel(sid, salt)
            renamed[sid] = reel
        taken.add(reel)
        reels[sid] = reel
    return reels, renamed


# -- time ----------------------------------------------------------------------------------------


def is_drop_frame(fps: Fraction) -> bool:
    return fps in DROP_FRAME_RATES


def parse_timecode(text: str, fps: Fraction) -> int:
    """Frames from 00:00:00:00 of a timecode at `fps` (drop-frame at 29.97 and 59.94)."""
    from opentimelineio import opentime

    match = _TIMECODE.match(text.strip())
    nominal = max(1, round(fps))
    if not match or int(match.group(4)) >= nominal:
        raise FilmmakerError(f"timecode {text!r}: write it as HH:MM:SS:FF with FF below {nominal} "
                             f"(e.g. {DEFAULT_START})")
    hh, mm, ss, ff = match.groups()
    if is_drop_frame(fps):
        if int(mm) % 10 and ss == "00" and int(ff) < 2 * round(nominal / 30):
            raise FilmmakerError(f"timecode {text!r} does not exist in drop-frame counting: frames "
                                 f"{ff} are skipped at the start of minute {mm}; use {hh}:{mm}:00;"
                                 f"{2 * round(nominal / 30):02d}")
        return int(opentime.from_timecode(f"{hh}:{mm}:{ss};{ff}", float(fps)).value)
    # non-drop counts whole nominal frames a second (23.976 counts 24), at any rate, even one
    # SMPTE has no timecode for (the .otio still needs a start)
    return ((int(hh) * 60 + int(mm)) * 60 + int(ss)) * nominal + int(ff)


def handles(timing: ShotSpans, index: int) -> tuple[int, int]:
    """Frames a shot's media must hold before its first frame and after its last: what the
    dissolves on either side borrow (see ShotSpans.dissolve_split). Only the dissolves count, so
    this is known from the screenplay alone."""
    head = timing.dissolve_split(index)[0] if timing.fade_in[index] else 0
    nxt = index + 1
    tail = timing.dissolve_split(nxt)[1] if nxt < len(timing.fade_in) and timing.fade_in[nxt] else 0
    return head, tail


# -- the timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShotInfo:
    """What the build knows about a shot beyond the plan: its reel and cache keys, its seed."""

    reel: str
    keys: dict[str, str]  # e.g. {"segment": ..., "picture": ..., "media": ...}
    seed: int | None = None


def build_timeline(plan: Plan, timing: Timing, line_seconds: dict[str, float], shots: dict[str, ShotInfo],
                   start: str = DEFAULT_START) -> otio.schema.Timeline:
    import opentimelineio as otio

    fps = timing.fps
    rate = float(fps)

    def span(first: int, count: int):
        return otio.opentime.TimeRange(otio.opentime.RationalTime(first, rate),
                                       otio.opentime.RationalTime(count, rate))

    timeline = otio.schema.Timeline(name=plan.screenplay.title,
                                    global_start_time=otio.opentime.RationalTime(parse_timecode(start, fps), rate))
    timeline.metadata["filmmaker"] = {"fps": str(fps), "drop_frame": is_drop_frame(fps), "start": start,
                                      "width": plan.format.width, "height": plan.format.height}
    video = otio.schema.Track("V1", kind=otio.schema.TrackKind.Video)
    previous = None
    for ps in plan.shots:
        i, info = ps.index, shots[ps.id]
        if timing.fade_in[i]:
            take_a, take_b = timing.dissolve_split(i)
            video.append(otio.schema.Transition(
                name=f"{previous.id}>{ps.id}", transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                in_offset=otio.opentime.RationalTime(take_a, rate),
                out_offset=otio.opentime.RationalTime(take_b, rate), metadata=_transition_metadata(ps)))
        head, tail = handles(timing, i)
        media = otio.schema.ExternalReference(target_url=f"media/{info.reel}.mp4",
                                              available_range=span(0, head + timing.frames[i] + tail))
        video.append(otio.schema.Clip(name=ps.id, media_reference=media, source_range=span(head, timing.frames[i]),
                                      metadata={"filmmaker": _shot_metadata(plan, ps, info),
                                                "cmx_3600": {"reel": info.reel}}))
        previous = ps
    timeline.tracks.append(video)
    timeline.tracks.append(_dialogue_track(plan, timing, line_seconds, span))
    timeline.tracks.append(_music_track(plan, timing, span))
    for scene_first in _scene_starts(plan):
        ps = plan.shots[scene_first]
        timeline.tracks.markers.append(otio.schema.Marker(
            name=ps.scene.heading, marked_range=span(timing.starts[scene_first], 0),
            color=otio.schema.MarkerColor.RED, metadata={"filmmaker": {"scene": ps.scene.id}}))
    return timeline


def _transition_metadata(ps) -> dict:
    """What a dissolve is beyond its length: a fade through black, the script's wording. Nothing
    for a plain crossfade, whose timeline stays as it always was."""
    transition, meta = ps.shot.transition, {}
    if transition.kind == "fade":
        meta.update(kind="fade", through="black")
    if transition.label:
        meta.update(kind=transition.kind, label=transition.label)
    return {"filmmaker": meta} if meta else {}


def _shot_metadata(plan: Plan, ps, info: ShotInfo) -> dict:
    roles = list(dict.fromkeys([pl.line.speaker for pl in ps.lines] + [face.role for face in ps.shot.faces]))
    actors = {role: plan.screenplay.cast[role] for role in roles if role in plan.screenplay.cast}
    voices = {actor: plan.screenplay.actors[actor].voice.engine for actor in dict.fromkeys(actors.values())}
    picture = ps.shot.picture
    meta = {"shot": ps.id, "scene": ps.scene.id, "heading": ps.scene.heading, "roles": roles, "actors": actors,
            "voices": voices, "picture": {"kind": picture.kind, "source": str(picture.source)},
            "camera": ps.shot.camera, "seed": info.seed, "keys": dict(info.keys)}
    # fades in the shot's own frames (its media has them: an editor adds no transition for them),
    # and the script's wording of how it begins; only where there are such things
    fps, transition, fade_out = plan.format.fps, ps.shot.transition, ps.shot.fade_out
    if frames := fade_in_frames(ps, fps):
        meta["fade_in"] = {"frames": frames, "label": transition.label}
    elif transition.label and transition.kind == "cut":  # a dissolve's own metadata has its label
        meta["transition"] = {"kind": transition.kind, "label": transition.label}
    if frames := fade_out_frames(ps, fps):
        meta["fade_out"] = {"frames": frames, "label": fade_out.label}
    return meta


def _scene_starts(plan: Plan) -> list[int]:
    return [ps.index for ps in plan.shots if ps.index == 0 or plan.shots[ps.index - 1].scene is not ps.scene]


def _dialogue_track(plan: Plan, timing: Timing, line_seconds: dict[str, float], span):
    import opentimelineio as otio

    fps = timing.fps
    track = otio.schema.Track("A1", kind=otio.schema.TrackKind.Audio)
    track.metadata["filmmaker"] = {"stem": STEMS["A1"][0]}
    placed = []
    for ps in plan.shots:
        for pl in ps.lines:
            at = timing.line_starts[pl.id]
            # whole frames that cover the line; the stem itself is sample-exact
            first = timing.starts[ps.index] + math.floor(at * fps)
            end = timing.starts[ps.index] + math.ceil((at + line_seconds[pl.id]) * fps)
            actor = plan.screenplay.cast[pl.line.speaker]
            name = f"{pl.line.speaker}: {pl.line.text}"
            meta = {"shot": ps.id, "line": pl.id, "role": pl.line.speaker, "actor": actor,
                    "voice": plan.screenplay.actors[actor].voice.engine}
            if pl.index and pl.line.overlap:
                # spoken at once with the line before: one clip over the stem's span of both (two
                # clips would play that span of the stem twice)
                first0, end0, name0, meta0 = placed[-1]
                placed[-1] = (first0, max(end0, end), f"{name0} / {name}",
                              {**meta0, "with": [*meta0.get("with", []), meta]})
                continue
            placed.append((first, end, name, meta))
    _lay(track, placed, timing.total_frames, span)
    return track


def _music_track(plan: Plan, timing: Timing, span):
    import opentimelineio as otio

    track = otio.schema.Track("A2", kind=otio.schema.TrackKind.Audio)
    track.metadata["filmmaker"] = {"stem": STEMS["A2"][0]}
    placed = []
    for pc in plan.cues:
        cue = pc.cue
        if cue.mood:
            source = f"{cue.mood}/{cue.track}" if cue.track else cue.mood
        else:
            source = cue.file.name if cue.file else getattr(cue, "generate", None)  # a prompt (MusicGen)
        meta = {"cue": pc.index, "from": cue.start_shot, "to": cue.end_shot, "source": source, "volume": cue.volume}
        if getattr(cue, "generate", None):
            meta["seed"] = getattr(cue, "seed", None)
        placed.append((timing.starts[pc.first], timing.starts[pc.last] + timing.frames[pc.last],
                       f"score[{pc.index}] {source}", meta))
    _lay(track, placed, timing.total_frames, span)
    return track


def _lay(track, placed: list[tuple[int, int, str, dict]], total: int, span) -> None:
    """Clips over the whole-film stem at their own frames, gaps between; an overlap (two cues
    crossfading) is given to the earlier clip: the stem holds both anyway."""
    import opentimelineio as otio

    at = 0
    for first, end, name, meta in placed:
        first = max(first, at)
        if end <= first:
            continue
        if first > at:
            track.append(otio.schema.Gap(source_range=span(0, first - at)))
        track.append(otio.schema.Clip(name=name, media_reference=otio.schema.MissingReference(),
                                      source_range=span(first, end - first), metadata={"filmmaker": meta}))
        at = end
    if at < total:
        track.append(otio.schema.Gap(source_range=span(0, total - at)))


def link_stems(timeline: otio.schema.Timeline, present: set[str]) -> None:
    """Point A1/A2's clips at the stems that exist (by path relative to the export folder);
    the others stay offline references the editor can relink."""
    import opentimelineio as otio

    total = timeline.tracks[0].duration()
    for track in timeline.audio_tracks():
        _, path = STEMS[track.name]
        for clip in track.find_clips():
            if path in present:
                clip.media_reference = otio.schema.ExternalReference(
                    target_url=path, available_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(0, total.rate), total))
            else:
                clip.media_reference = otio.schema.MissingReference(name=path)


# -- what the join reads -----------------------------------------------------------------------


def cut_pieces(timeline: otio.schema.Timeline) -> list[tuple[str, int]]:
    """The encoded pieces the cut joins, in order, with their lengths in frames: each shot's body
    (its clip less the halves of the dissolves on either side) and each dissolve ("a>b")."""
    import opentimelineio as otio

    items = list(timeline.video_tracks()[0])
    pieces = []
    for k, item in enumerate(items):
        if isinstance(item, otio.schema.Transition):
            pieces.append((f"{items[k - 1].name}>{items[k + 1].name}",
                           _frames(item.in_offset) + _frames(item.out_offset)))
            continue
        before = items[k - 1] if k > 0 else None
        after = items[k + 1] if k + 1 < len(items) else None
        frames = _frames(item.duration())
        if isinstance(before, otio.schema.Transition):
            frames -= _frames(before.out_offset)
        if isinstance(after, otio.schema.Transition):
            frames -= _frames(after.in_offset)
        pieces.append((item.name, frames))
    return pieces


def _frames(time) -> int:
    return int(round(time.value))
