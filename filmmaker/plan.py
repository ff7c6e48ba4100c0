"""Screenplay -> shot list, cue spans and timing. Pure: no files, no media, no backends.

Timing works in whole frames so that segments, subtitles, the mix and every export agree
exactly. A crossfade of X frames between shots A and B is centred on the cut: it takes
X // 2 frames from the end of A and the rest from the start of B, so the film's length is
always the sum of its shots' lengths. A fade through black between two shots is laid out the
same way (A goes down to black over its X // 2, B comes up over the rest); a fade on the first
shot, and a shot's `fade_out`, darken the shot's own frames and take nothing from a neighbour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from filmmaker.errors import Problem, ScreenplayError
from filmmaker.screenplay.model import Actor, Cue, Format, Line, Scene, Screenplay, Shot

LEAD_IN = 0.5  # seconds of picture before a shot's first line
GAP = 0.35  # between two lines in one shot
TAIL = 0.7  # after the last line
EMPTY_SHOT = 3.0  # an auto-length shot with no lines and no footage length to go by
WORDS_PER_SECOND = 2.6  # the bundled voice at rate 1.0: how long a line not yet spoken is guessed to run
PREVIEW_SCALE = 0.5


@dataclass(frozen=True)
class PlannedLine:
    shot_index: int
    index: int  # within its shot
    line: Line
    actor: Actor

    @property
    def id(self) -> str:
        return f"{self.shot_index}.{self.index}"


@dataclass(frozen=True)
class PlannedShot:
    index: int
    scene: Scene
    shot: Shot
    lines: tuple[PlannedLine, ...]
    disclosure_card: bool = False  # the card saying who in the film is synthetic (disclosure.py)

    @property
    def id(self) -> str:
        return self.shot.id


@dataclass(frozen=True)
class PlannedCue:
    index: int
    cue: Cue
    first: int  # shot indices, inclusive
    last: int


@dataclass(frozen=True)
class Plan:
    screenplay: Screenplay
    format: Format
    shots: tuple[PlannedShot, ...]
    cues: tuple[PlannedCue, ...]
    preview: bool = False
    disclosure: str | None = None  # the note a viewer is shown: who in the film is synthetic

    def cue_of(self, shot_index: int) -> list[PlannedCue]:
        return [c for c in self.cues if c.first <= shot_index <= c.last]


def plan_film(screenplay: Screenplay, *, preview: bool = False, cast: dict[str, str] | None = None) -> Plan:
    if cast:
        screenplay = replace(screenplay, cast={**screenplay.cast, **cast})
    fmt = screenplay.format
    if preview:
        fmt = Format(_even(fmt.width * PREVIEW_SCALE), _even(fmt.height * PREVIEW_SCALE), fmt.fps)
    shots = []
    for index, (scene, shot) in enumerate(screenplay.shots()):
        lines = tuple(
            PlannedLine(index, li, line, screenplay.actors[screenplay.cast[line.speaker]])
            for li, line in enumerate(shot.lines))
        shots.append(PlannedShot(index, scene, shot, lines))
    index_of = {s.id: s.index for s in shots}
    cues = tuple(PlannedCue(i, cue, index_of[cue.start_shot], index_of[cue.end_shot])
                 for i, cue in enumerate(screenplay.score))
    from filmmaker.cards import with_title_page  # they read the plan they extend
    from filmmaker.disclosure import with_disclosure

    # the title card goes in last, so it opens the film even before an opening disclosure card
    return with_title_page(with_disclosure(Plan(screenplay, fmt, tuple(shots), cues, preview)))


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


class ShotSpans:
    """Where a shot's body and dissolves fall, for any object with `frames[i]` and every shot's
    `fade_in` (the film's Timing, or a few shots laid out on their own)."""

    frames: tuple[int, ...] | dict[int, int]
    fade_in: tuple[int, ...]

    def dissolve_split(self, shot_index: int) -> tuple[int, int]:
        """(frames taken from the previous shot's end, frames from this shot's start)."""
        x = self.fade_in[shot_index]
        return x // 2, x - x // 2

    def body(self, shot_index: int) -> tuple[int, int]:
        """The shot-local frame range [first, end) outside any dissolve."""
        first = self.dissolve_split(shot_index)[1]
        nxt = shot_index + 1
        end = self.frames[shot_index] - (self.dissolve_split(nxt)[0] if nxt < len(self.fade_in) else 0)
        return first, end


@dataclass(frozen=True)
class Timing(ShotSpans):
    """Where everything falls, in frames (pictures) and seconds (sound)."""

    fps: Fraction
    frames: tuple[int, ...]  # per shot
    starts: tuple[int, ...]  # first frame of each shot in the film
    line_starts: dict[str, float]  # PlannedLine.id -> seconds from the start of its shot
    fade_in: tuple[int, ...]  # per shot: frames of the dissolve (or dip to black) from the previous shot; 0: a cut

    @property
    def total_frames(self) -> int:
        return self.starts[-1] + self.frames[-1] if self.frames else 0

    @property
    def total_seconds(self) -> float:
        return float(self.total_frames / self.fps)

    def seconds(self, frames: int) -> float:
        return float(frames / self.fps)

def crossfade_frames(ps: PlannedShot, fps: Fraction) -> int:
    """Frames of the dissolve into the shot, a crossfade or a fade through black (0: a cut; the
    first shot has nothing to dissolve from)."""
    transition = ps.shot.transition
    if ps.index == 0 or transition.kind not in ("crossfade", "fade"):
        return 0
    return round(transition.seconds * fps)


def fade_in_frames(ps: PlannedShot, fps: Fraction) -> int:
    """Frames the first shot takes to come up from black (its `fade` transition); 0 for any other."""
    transition = ps.shot.transition
    return round(transition.seconds * fps) if ps.index == 0 and transition.kind == "fade" else 0


def fade_out_frames(ps: PlannedShot, fps: Fraction) -> int:
    """Frames at the shot's end that go down to black (its `fade_out`)."""
    return round(ps.shot.fade_out.seconds * fps) if ps.shot.fade_out is not None else 0


def layout_shot(ps: PlannedShot, line_seconds: dict[str, float], footage_seconds: dict[int, float],
                fps: Fraction) -> tuple[int, dict[str, float], float | None]:
    """A shot's length in frames and where its lines start (seconds into it), from its own lines'
    lengths alone; and, when a set `duration` is too short for them, the seconds they need.

    A line that `overlap`s starts where the line before it started (plus its own pause_before):
    two voices at once; the next line waits for the later of them to end. On a shot's first line
    it has nothing to overlap and is ignored."""
    t = LEAD_IN  # where the next line may start, before its own pause
    line_starts = {}
    previous = LEAD_IN
    for n, pl in enumerate(ps.lines):
        overlapping = n > 0 and pl.line.overlap
        start = (previous if overlapping else t) + pl.line.pause_before
        line_starts[pl.id] = previous = start
        after = start + line_seconds[pl.id] + pl.line.pause_after + GAP  # summed as before: same floats
        t = max(t, after) if overlapping else after
    needed = t - GAP + TAIL if ps.lines else 0.0
    duration, short = ps.shot.duration, None
    if duration is None:
        if ps.lines:
            duration = needed
        elif ps.index in footage_seconds:
            duration = footage_seconds[ps.index]
        else:
            duration = EMPTY_SHOT
    elif duration < needed - TAIL + 0.1:
        short = needed
    return max(1, round(duration * fps)), line_starts, short


def time_film(plan: Plan, line_seconds: dict[str, float], footage_seconds: dict[int, float]) -> Timing:
    """Lay out the film given each line's spoken length and each footage shot's usable length."""
    fps = plan.format.fps
    problems: list[Problem] = []
    frames, line_starts, fade_in = [], {}, []
    for ps in plan.shots:
        count, starts, needed = layout_shot(ps, line_seconds, footage_seconds, fps)
        if needed is not None:
            problems.append(shot_problem(plan, ps, "duration", f"the lines need {needed:.1f} s but the "
                                         f"duration is {ps.shot.duration:g} s; use `duration: auto` or at least "
                                         f"{math.ceil(needed)}"))
        frames.append(count)
        line_starts.update(starts)
        if ps.index == 0 and ps.shot.transition.kind == "crossfade" and round(ps.shot.transition.seconds * fps):
            problems.append(shot_problem(plan, ps, "transition", "the first shot has nothing to crossfade "
                                         "from; remove its transition (or make it `fade`: a fade in from black)"))
        if fade_in_frames(ps, fps) + fade_out_frames(ps, fps) > count:
            field = "fade_out" if ps.shot.fade_out is not None else "transition"
            problems.append(shot_problem(plan, ps, field, "the fades in and out of this shot are longer than the "
                                         f"shot ({float(count / fps):.2f} s); shorten them"))
        fade_in.append(crossfade_frames(ps, fps))
    starts = [0]
    for n in frames[:-1]:
        starts.append(starts[-1] + n)
    timing = Timing(fps, tuple(frames), tuple(starts), line_starts, tuple(fade_in))
    for ps in plan.shots:
        first, end = timing.body(ps.index)
        if end - first < 1:
            nxt = plan.shots[ps.index + 1] if ps.index + 1 < len(plan.shots) else None
            kinds = {p.shot.transition.kind for p in (ps, nxt) if p is not None}
            what = "crossfades" if "fade" not in kinds else "fades" if "crossfade" not in kinds \
                else "crossfades and fades"
            problems.append(shot_problem(plan, ps, "transition", f"the {what} into and out of this shot "
                                         f"are longer than the shot ({float(frames[ps.index] / fps):.2f} s); "
                                         "shorten them"))
    if problems:
        raise ScreenplayError(problems)
    return timing


def shot_problem(plan: Plan, ps: PlannedShot, field: str, message: str) -> Problem:
    """A problem positioned at a shot's field (or the shot itself), named as the loader names it."""
    line, col = ps.shot.pos.get(field, ps.shot.pos.get("", (1, 1)))
    if ps.shot not in ps.scene.shots:  # a card the plan added (title page, disclosure): no place in the file
        return Problem(plan.screenplay.path, line, col, f"{ps.id}.{field}", message)
    scene_index = plan.screenplay.scenes.index(ps.scene)
    shot_index = ps.scene.shots.index(ps.shot)
    return Problem(plan.screenplay.path, line, col,
                   f"scenes[{scene_index}].shots[{shot_index}].{field}", message)
