"""The timing node: where every shot and line falls, once every line is spoken.

A shot's length follows from its own lines' lengths, so nodes downstream of timing are keyed not
on frame counts (unknown until the voices exist) but on what determines them: each shot's
`shot_facts` (its lines' keys, pauses, duration, footage length, transition). That makes every key
in the graph computable before anything is made, and a change to one line re-keys only the nodes
that the shot's length really reaches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from filmmaker.cache import content_key
from filmmaker.graph.node import DRIVER, Node
from filmmaker.plan import Plan, PlannedShot, ShotSpans, Timing, crossfade_frames, layout_shot, time_film
from filmmaker.render.levels import RATE  # noqa: F401 (shared with the nodes that import it from here)

VERSION = 1


def shot_facts(ps: PlannedShot, line_keys: dict[str, str], footage_seconds: dict[int, float]) -> list:
    """What fixes a shot's length and where its lines fall."""
    shot = ps.shot
    footage = footage_seconds.get(ps.index) if shot.duration is None and not ps.lines else None
    # an overlapping line (dual dialogue) moves the lines after it: marked only where set, so every
    # other shot keeps its key
    return [[[line_keys[pl.id], pl.line.pause_before, pl.line.pause_after] + (["overlap"] if pl.line.overlap else [])
             for pl in ps.lines], shot.duration, footage, shot.transition.kind, shot.transition.seconds]


def timing_node(plan: Plan, facts: list[list], line_nodes: dict[str, Node]) -> Node:
    """`line_nodes`: line id -> its node."""
    key = content_key({"kind": "timing", "v": VERSION, "fps": str(plan.format.fps), "shots": facts})
    return Node("timing", "film", key, ".json", tuple(n.id for n in line_nodes.values()),
                {"lines": {line_id: n.key for line_id, n in line_nodes.items()}}, runs_on=DRIVER)


def make_timing(work, node: Node) -> dict:
    """Lay the film out from the spoken lines' lengths (raises if a shot is too short for them)."""
    plan = work.plan
    seconds = {line_id: work.record("line", key)["samples"] / RATE for line_id, key in node.args["lines"].items()}
    timing = time_film(plan, seconds, work.resolved.footage_seconds(plan))
    with work.cache.put("timing", node.key, ".json") as tmp:
        tmp.write_text(json.dumps(timing_to_json(timing)))
    return {}


def timing_to_json(timing: Timing) -> dict:
    return {"fps": str(timing.fps), "frames": list(timing.frames), "starts": list(timing.starts),
            "line_starts": timing.line_starts, "fade_in": list(timing.fade_in)}


def read_timing(path: Path) -> Timing:
    data = json.loads(path.read_text())
    return Timing(Fraction(data["fps"]), tuple(data["frames"]), tuple(data["starts"]), data["line_starts"],
                  tuple(data["fade_in"]))


def sample_of(frame: int, fps: Fraction) -> int:
    """The film's sample clock: frame boundaries at 48 kHz."""
    return round(frame * RATE / fps)


@dataclass(frozen=True)
class ShotLayout(ShotSpans):
    """The timing of a few shots from their own lines alone: what a segment needs, known as soon
    as those lines are spoken, so a shot is encoded while the rest of the film is still being voiced.
    Reads like the film's Timing for the shots it holds."""

    fps: Fraction
    frames: dict[int, int]  # shot index -> frames, for the shots laid out
    line_starts: dict[str, float]
    fade_in: tuple[int, ...]  # every shot's, fixed by the screenplay

    def seconds(self, frames: int) -> float:
        return float(frames / self.fps)


def shot_layout(work, indices, line_keys: dict[str, str]) -> ShotLayout:
    """Lay out the shots `indices` from their lines' records (`line_keys`: line id -> key)."""
    plan = work.plan
    fps = plan.format.fps
    seconds = {line_id: work.record("line", key)["samples"] / RATE for line_id, key in line_keys.items()}
    footage = work.resolved.footage_seconds(plan)
    frames, starts = {}, {}
    for index in indices:
        frames[index], own, _ = layout_shot(plan.shots[index], seconds, footage, fps)
        starts.update(own)
    return ShotLayout(fps, frames, starts, tuple(crossfade_frames(ps, fps) for ps in plan.shots))
