"""Score cues: each cue's source fitted to its span (trimmed, or looped on bar lines, faded,
crossfaded with an abutting cue), and the music a model generates for a `generate` cue.

A cue's span follows from its shots' lengths, so its key names the `shot_facts` of every shot
its span can reach (its own, and those of an abutting cue it crossfades with), never frame
counts: a recast that changes no length under a cue leaves the cue alone.
"""

from __future__ import annotations

from filmmaker.cache import content_key
from filmmaker.graph.node import Node
from filmmaker.graph.timing import RATE
from filmmaker.plan import Plan, PlannedCue

VERSION = 5
MUSIC_VERSION = 3
MUSIC_HEAVY = "music"


def reach(plan: Plan, pc: PlannedCue) -> tuple[int, int]:
    """The shots (first, last) the cue's audio can sound over: its own, and those of any cue it
    abuts (a crossfade takes at most half of the neighbour)."""
    first, last = pc.first, pc.last
    for other in plan.cues:
        if other.last + 1 == pc.first or other.first == pc.last + 1:
            first, last = min(first, other.first), max(last, other.last)
    return first, last


def span_fields(plan: Plan, pc: PlannedCue, facts: list) -> dict:
    first, last = reach(plan, pc)
    neighbours = [[c.first, c.last] for c in plan.cues if (c.last + 1 == pc.first or c.first == pc.last + 1)]
    return {"shots": [pc.first, pc.last], "neighbours": neighbours, "facts": facts[first:last + 1],
            "crossfade": plan.screenplay.mix.crossfade, "hit": pc.cue.hit}


def music_node(plan: Plan, pc: PlannedCue, source, facts: list, timing: Node) -> Node:
    cue = pc.cue
    key = content_key({"kind": "music", "v": MUSIC_VERSION, "prompt": cue.generate, "seed": cue.seed,
                       "duration": cue.duration, "in": cue.start, "span": span_fields(plan, pc, facts),
                       "model": source.model_identity})
    return Node("music", f"score[{pc.index}]", key, ".f32", (timing.id,), {"cue": pc.index, "timing": timing.key},
                runs_on=MUSIC_HEAVY)


def cue_node(plan: Plan, pc: PlannedCue, source, facts: list, timing: Node, music: Node | None,
             file_hash) -> Node:
    cue = pc.cue
    origin = music.key if music is not None else file_hash(source.path)
    key = content_key({"kind": "cue", "v": VERSION, "source": origin, "span": span_fields(plan, pc, facts),
                       "volume": cue.volume, "fade_in": cue.fade_in, "fade_out": cue.fade_out, "in": cue.start,
                       "out": cue.stop, "bpm": source.bpm, "downbeat": source.downbeat, "end": cue.end})
    deps = (timing.id,) + ((music.id,) if music is not None else ())
    return Node("cue", f"score[{pc.index}]", key, ".f32", deps,
                {"cue": pc.index, "timing": timing.key, "music": music.key if music is not None else None,
                 "music_kind": music.kind if music is not None else None})


def _span(work, node: Node):
    from filmmaker.graph.score import cue_spans

    timing = work.timing(node.args["timing"])
    return timing, cue_spans(work.plan, timing)[node.args["cue"]]


def make_batch(work, nodes: list[Node]) -> dict[str, dict]:
    """Generate each `generate` cue's music (the music nodes), one model load per checkpoint."""
    import numpy as np

    from filmmaker.backends.music.musicgen import MusicGen
    from filmmaker.backends.music.tempo import estimate_tempo
    from filmmaker.graph.score import remove_rumble
    from filmmaker.render.audio import loudness, resample

    for node in nodes:
        pc = work.plan.cues[node.args["cue"]]
        source = work.resolved.sources[pc.index]
        _, span = _span(work, node)
        seconds = pc.cue.duration or (pc.cue.start + (span.end - span.start) / RATE)
        generator = work.model(f"musicgen:{source.model}", lambda: MusicGen(source.model))
        audio, rate = generator.generate(pc.cue.generate, seconds, pc.cue.seed)
        audio = remove_rumble(resample(audio, rate))
        if audio.shape[1] == 1:
            audio = np.repeat(audio, 2, axis=1)
        bpm, downbeat = estimate_tempo(audio, RATE)
        meta = {"samples": len(audio), "bpm": bpm, "downbeat": downbeat, "lufs": loudness(audio)}
        with work.cache.put("music", node.key, ".f32", meta) as tmp:
            audio.astype(np.float32).tofile(tmp)
    return {node.id: {} for node in nodes}


def source_audio(work, node: Node):
    """(audio (n, 2) at 48 kHz, bpm, downbeat, loudness in LUFS) of the cue's source."""
    import numpy as np

    pc = work.plan.cues[node.args["cue"]]
    source = work.resolved.sources[pc.index]
    if node.args["music"] is None:
        from filmmaker.render.audio import loudness
        from filmmaker.render.ffmpeg import decode_audio

        audio = decode_audio(source.path)
        return audio, source.bpm, source.downbeat, loudness(audio)
    kind = node.args.get("music_kind") or "music"  # made by MusicGen, or a song
    record = work.record(kind, node.args["music"])
    audio = np.fromfile(work.cache.path(kind, node.args["music"], ".f32"), np.float32).reshape(-1, 2)
    return audio, pc.cue.bpm or record.get("bpm"), record.get("downbeat", 0.0), record["lufs"]


def make(work, node: Node) -> dict:
    """The cue's fitted audio, written a chunk at a time: a cue may run for the whole film."""
    import numpy as np

    from filmmaker.errors import RenderError
    from filmmaker.graph.score import MUSIC_LUFS, hit_offset
    from filmmaker.render.cuefit import fit_cue_chunks

    pc = work.plan.cues[node.args["cue"]]
    cue = pc.cue
    timing, span = _span(work, node)
    audio, bpm, downbeat, level = source_audio(work, node)
    if level is not None and np.isfinite(level):
        audio = audio * np.float32(10 ** ((MUSIC_LUFS - level) / 20))
    if cue.hit and not bpm:
        raise RenderError(f"score[{pc.index}]: the generated music has no steady beat for `hit`; give the cue a `bpm`")
    chunks, plan = fit_cue_chunks(
        audio, span.end - span.start, bpm, cue.volume, span.crossfade_in or cue.fade_in,
        span.crossfade_out or cue.fade_out, start=round(cue.start * RATE),
        stop=round(cue.stop * RATE) if cue.stop is not None else None, downbeat=downbeat,
        hit=hit_offset(work.plan, pc, timing, span), end_on_bar=cue.end == "bar",
        power_in=span.crossfade_in is not None, power_out=span.crossfade_out is not None)
    meta = {"source_in": plan.pieces[0].src / RATE, "loops": len(plan.pieces) - 1, "bpm": bpm}
    with work.cache.put("cue", node.key, ".f32", meta) as tmp, open(tmp, "wb") as out:
        for chunk in chunks:
            out.write(np.ascontiguousarray(chunk, np.float32).tobytes())
    return {}
