"""The programme: loudness measured over the whole film from the pieces' records, then the pieces
streamed through that gain and a true-peak limiter into the mix (and, without the limiter, into
the stems), then the mix encoded to AAC for the join. Nothing here holds more than a piece.
"""

from __future__ import annotations

import json

from filmmaker.cache import content_key
from filmmaker.graph.node import DRIVER, Node
from filmmaker.graph.premix import block_measurements, read_piece

VERSION = 7
STEM_CHANNELS = {"dialogue": slice(0, 1), "music": slice(1, 3), "effects": slice(3, 5), "song": slice(5, 7)}
STREAM_BLOCK = 48_000 * 10  # samples a stream step reads from a piece


def loudness_node(pieces: list[Node], target_lufs: float) -> Node:
    key = content_key({"kind": "loudness", "v": VERSION, "pieces": [p.key for p in pieces], "target": target_lufs})
    return Node("loudness", "film", key, ".json", tuple(p.id for p in pieces),
                {"pieces": [p.key for p in pieces], "target": target_lufs}, runs_on=DRIVER)


def make_loudness(work, node: Node) -> dict:
    """The programme's gain, from each piece's 100 ms measurements: no audio is read."""
    import math

    from filmmaker.render.pieces import programme_gain, programme_loudness

    measured = [block_measurements(work.record("premix", key)) for key in node.args["pieces"]]
    gain = programme_gain(measured, node.args["target"])
    lufs = programme_loudness(measured)
    with work.cache.put("loudness", node.key, ".json") as tmp:
        tmp.write_text(json.dumps({"gain": gain, "lufs": lufs if math.isfinite(lufs) else None}))
    return {}


def _gain(work, node: Node) -> float:
    return json.loads(work.cache.path("loudness", node.args["loudness"], ".json").read_text())["gain"]


def mix_node(pieces: list[Node], loudness: Node, peak_db: float) -> Node:
    key = content_key({"kind": "mix", "v": VERSION, "pieces": [p.key for p in pieces], "loudness": loudness.key,
                       "peak": peak_db})
    return Node("mix", "mix", key, ".f32", (*(p.id for p in pieces), loudness.id),
                {"pieces": [p.key for p in pieces], "loudness": loudness.key, "peak": peak_db})


def stem_node(name: str, pieces: list[Node], loudness: Node) -> Node:
    key = content_key({"kind": "stem", "v": VERSION, "stem": name, "pieces": [p.key for p in pieces],
                       "loudness": loudness.key})
    return Node("stem", name, key, ".wav", (*(p.id for p in pieces), loudness.id),
                {"pieces": [p.key for p in pieces], "loudness": loudness.key})


def _stream(work, node: Node):
    """Each piece, block by block: (samples, 5) float32."""
    for key in node.args["pieces"]:
        piece = read_piece(work, key)
        for at in range(0, len(piece), STREAM_BLOCK):
            yield piece[at:at + STREAM_BLOCK]
        del piece


def make(work, node: Node) -> dict:
    """The programme: gain and limiter over the sum of the stems, written as raw float32 stereo."""
    import numpy as np

    from filmmaker.render.pieces import StreamingLimiter

    limiter = StreamingLimiter(_gain(work, node), node.args["peak"])
    with work.cache.put("mix", node.key, ".f32") as tmp, open(tmp, "wb") as out:
        for block in _stream(work, node):
            summed = block[:, 0:1] + block[:, 1:3] + block[:, 3:5] + block[:, 5:7]
            out.write(np.ascontiguousarray(limiter.feed(summed), np.float32).tobytes())
        out.write(np.ascontiguousarray(limiter.flush(), np.float32).tobytes())
    return {}


def make_stem(work, node: Node) -> dict:
    """One stem at the programme's gain (not its limiter), as 32-bit float WAV: before the limiter
    a stem's peaks may pass full scale, and the stems then sum to the programme."""
    import numpy as np

    from filmmaker.render.wav import FloatWav

    gain = np.float32(_gain(work, node))
    channels = STEM_CHANNELS[node.name]
    frames = sum(work.record("premix", key)["samples"] for key in node.args["pieces"])
    with work.cache.put("stem", node.key, ".wav") as tmp:
        with FloatWav(tmp, channels.stop - channels.start, 48_000, frames) as wav:
            for block in _stream(work, node):
                wav.write(block[:, channels] * gain)
    return {}


def mixaudio_node(mix: Node) -> Node:
    from filmmaker.render.ffmpeg import AAC

    key = content_key({"kind": "mixaudio", "v": VERSION, "mix": mix.key, "codec": AAC})
    return Node("mixaudio", "mix", key, ".m4a", (mix.id,), {"mix": mix.key})


def make_mixaudio(work, node: Node) -> dict:
    """The programme as AAC in an M4A; the join copies it in."""
    from filmmaker.render.ffmpeg import AAC, run_ffmpeg

    with work.cache.put("mixaudio", node.key, ".m4a") as tmp:
        mix = work.cache.path("mix", node.args["mix"], ".f32")
        run_ffmpeg(["-f", "f32le", "-ar", "48000", "-ac", "2", "-i", str(mix), *AAC,
                    "-fflags", "+bitexact", "-f", "mp4", str(tmp)], "encoding the mix")
    return {}
