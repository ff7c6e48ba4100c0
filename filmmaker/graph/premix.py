"""Mix pieces: the film's sound is mixed a piece at a time (a scene, or a run of its shots of
about a minute), so no step holds whole-film audio and a one-line change re-mixes one piece.

A piece holds its dialogue, its score (the slices of every cue that sounds over it, ducked under
the lines) and its footage sound, un-mastered, with its K-weighted loudness per 100 ms in its
record. The loudness node reads those records, never the audio, and the mix node streams the
pieces through the programme's gain and limiter.

Ducking is continuous across pieces: the lines of the shots on either side are laid in as context,
so the duck enters a piece in the state the lines before it left it, and dips ahead of a line
just after it.
"""

from __future__ import annotations

from filmmaker.cache import content_key
from filmmaker.graph.node import Node
from filmmaker.graph.timing import RATE, sample_of
from filmmaker.plan import EMPTY_SHOT, GAP, LEAD_IN, TAIL, WORDS_PER_SECOND, Plan

VERSION = 2  # 2: songs on channels of their own
PIECE_SECONDS = 60.0  # a scene longer than this (by the words in it) is mixed in several pieces
CHANNELS = 7  # dialogue (mono, centre-weighted), music L R (ducked), effects L R, song L R (ducked deeper)


def estimated_seconds(ps) -> float:
    """A shot's length as the words in it suggest (the plan's estimate): sizes pieces, nothing else."""
    if ps.shot.duration is not None:
        return ps.shot.duration
    if not ps.lines:
        return EMPTY_SHOT
    spoken = sum(len(pl.line.text.split()) / WORDS_PER_SECOND / pl.actor.voice.rate + pl.line.pause_before
                 + pl.line.pause_after + GAP for pl in ps.lines)
    return LEAD_IN + spoken - GAP + TAIL


def mix_pieces(plan: Plan) -> list[tuple[int, int]]:
    """(first, last) shot index of each piece: scenes, split where one runs past PIECE_SECONDS."""
    pieces: list[tuple[int, int]] = []
    first, seconds = 0, 0.0
    for ps in plan.shots:
        new_scene = ps.index > 0 and plan.shots[ps.index - 1].scene is not ps.scene
        if ps.index > first and (new_scene or seconds + estimated_seconds(ps) > PIECE_SECONDS):
            pieces.append((first, ps.index - 1))
            first, seconds = ps.index, 0.0
        seconds += estimated_seconds(ps)
    if plan.shots:
        pieces.append((first, len(plan.shots) - 1))
    return pieces


def exact_samples_per_frame(plan: Plan) -> bool:
    fps = plan.format.fps
    return (RATE * fps.denominator) % fps.numerator == 0


def premix_node(plan: Plan, first: int, last: int, facts: list, cues: list[tuple[int, Node]], lines: dict,
                effects: list, timing: Node) -> Node:
    """`cues`: (cue index, cue node) of every cue whose reach overlaps the piece; `lines`: line id ->
    line node of the piece's shots and of the shots either side; `effects`: [shot index, source
    key] of footage whose own sound is kept."""
    n = len(plan.shots)
    before, after = max(0, first - 1), min(n - 1, last + 1)
    cue_fields = []
    for index, cue in cues:
        pc = plan.cues[index]
        lo, hi = sorted((pc.first, first))
        cue_fields.append([cue.key, facts[lo:hi]])  # where the piece falls in the cue
    mix = plan.screenplay.mix
    fields = {"kind": "premix", "v": VERSION, "facts": facts[before:after + 1], "context": [before, first, last, after],
              "cues": cue_fields, "effects": effects, "duck": [mix.duck, mix.attack, mix.release]}
    songs = [index for index, _ in cues if plan.cues[index].cue.song is not None]
    if songs:
        fields.update(songs=songs, song_duck=mix.song_duck)
    if not exact_samples_per_frame(plan):  # where a frame is not whole samples, the start's phase counts
        fields["before"] = facts[:first]
    deps = (timing.id, *(node.id for node in lines.values()), *(cue.id for _, cue in cues))
    args = {"shots": [first, last], "timing": timing.key, "lines": {i: node.key for i, node in lines.items()},
            "cues": {index: cue.key for index, cue in cues}, "effects": [index for index, _ in effects],
            "songs": songs}
    return Node("premix", f"{plan.shots[first].id}..{plan.shots[last].id}", content_key(fields), ".f32", deps, args)


def make(work, node: Node) -> dict:
    import numpy as np

    from filmmaker.graph.line import load_line
    from filmmaker.graph.score import cue_spans
    from filmmaker.render.pieces import measure_blocks, premix

    plan, timing = work.plan, work.timing(node.args["timing"])
    first, last = node.args["shots"]
    start = sample_of(timing.starts[first], timing.fps)
    length = sample_of(timing.starts[last] + timing.frames[last], timing.fps) - start
    lines = []
    for line_id, key in node.args["lines"].items():
        shot = int(line_id.split(".")[0])
        at = sample_of(timing.starts[shot], timing.fps) + round(timing.line_starts[line_id] * RATE) - start
        lines.append((load_line(work, key), at))
    music = np.zeros((length, 2), np.float32)
    song = np.zeros((length, 2), np.float32) if node.args["songs"] else None
    spans = cue_spans(plan, timing)
    for index, key in node.args["cues"].items():
        span = spans[int(index)]
        lo, hi = max(start, span.start), min(start + length, span.end)
        if hi > lo:
            cue = np.memmap(work.cache.path("cue", key, ".f32"), np.float32, "r").reshape(-1, 2)
            into = song if int(index) in node.args["songs"] else music
            into[lo - start:hi - start] += cue[lo - span.start:hi - span.start]
            del cue
    effects = np.zeros((length, 2), np.float32)
    for index in node.args["effects"]:
        _place_footage_sound(work, plan.shots[index], timing, effects, start)
    mix = plan.screenplay.mix
    piece = premix(length, lines, music, effects, mix.duck, mix.attack, mix.release, song=song,
                   song_duck_db=mix.song_duck)
    sums, counts = measure_blocks(piece.mix())
    meta = {"samples": length, "blocks": [float(v) for v in sums], "last": int(counts[-1]) if len(counts) else 0}
    with work.cache.put("premix", node.key, ".f32", meta) as tmp:
        np.column_stack([piece.dialogue, piece.music, piece.effects, piece.song]).astype(np.float32).tofile(tmp)
    return {}


def _place_footage_sound(work, ps, timing, effects, start: int) -> None:
    from filmmaker.render.audio import place
    from filmmaker.render.ffmpeg import decode_audio

    picture = ps.shot.picture
    if not work.resolved.footage.get(ps.index, {}).get("has_audio"):
        return
    seconds = timing.seconds(timing.frames[ps.index])
    place(effects, decode_audio(picture.path, start=picture.start, duration=seconds),
          sample_of(timing.starts[ps.index], timing.fps) - start)


def read_piece(work, key: str):
    """A piece's channels, memory-mapped: (samples, CHANNELS)."""
    import numpy as np

    return np.memmap(work.cache.path("premix", key, ".f32"), np.float32, "r").reshape(-1, CHANNELS)


def block_measurements(record: dict):
    """A piece's (sums, counts) of K-weighted power per 100 ms, from its record."""
    import numpy as np

    from filmmaker.render.pieces import SUB_BLOCK

    sums = np.asarray(record["blocks"], np.float64)
    counts = np.full(len(sums), SUB_BLOCK, np.int64)
    if len(counts):
        counts[-1] = record["last"]
    return sums, counts
