"""Line audio: one spoken line, designed and directed, as mono float32 at 48 kHz."""

from __future__ import annotations

import dataclasses

from filmmaker.cache import content_key
from filmmaker.graph.node import WORKER, Node
from filmmaker.plan import PlannedLine
from filmmaker.screenplay.direction import parse_parenthetical

VERSION = 7  # 7: piper speaks on one thread (its bytes depended on the thread count)
HEAVY_ENGINES = ("coqui", "kokoro")  # a model of hundreds of MB: one worker holds it


def line_node(pl: PlannedLine, engine_identity: dict) -> Node:
    spec = pl.actor.voice
    direction, _ = parse_parenthetical(pl.line.parenthetical)
    key = content_key({"kind": "line", "v": VERSION, "text": pl.line.text, "engine": engine_identity,
                       "pitch": spec.pitch, "rate": spec.rate, "timbre": spec.timbre,
                       "direction": dataclasses.asdict(direction)})
    # a Coqui model is heavy: one worker loads it and speaks all its lines; piper and espeak load in
    # a moment, so any worker speaks them
    runs_on = f"voice:{spec.engine}" if spec.engine in HEAVY_ENGINES else WORKER
    return Node("line", pl.id, key, ".f32", args={"shot": pl.shot_index, "index": pl.index}, runs_on=runs_on)


def make(work, node: Node) -> dict:
    from filmmaker.render.voice import speak

    pl = work.plan.shots[node.args["shot"]].lines[node.args["index"]]
    direction, _ = parse_parenthetical(pl.line.parenthetical)
    audio = speak(work.voice(pl.actor.id), pl.line.text, pl.actor.voice, direction)
    with work.cache.put("line", node.key, ".f32", {"samples": len(audio)}) as tmp:
        audio.tofile(tmp)
    return {}


def load_line(work, key: str):
    import numpy as np

    return np.fromfile(work.cache.path("line", key, ".f32"), dtype=np.float32)
