"""The cut: the segments joined without re-encoding (ffmpeg's concat demuxer, stream copy, each
held for exactly its frames) with the programme's AAC muxed over the whole of it, so sound cannot
drift from picture however many segments the film has. It runs beside the scheduler, which holds
the timeline the join reads its lengths from."""

from __future__ import annotations

from filmmaker.cache import content_key
from filmmaker.graph.node import DRIVER, Node

VERSION = 4  # 4: the programme's AAC made with the fast coder


def cut_node(segments: list[tuple[str, Node]], mix: Node, mixaudio: Node, timeline: Node, fps) -> Node:
    """`segments`: each piece of the cut by its name there (a shot id, or "a>b") and its node, which
    two identical shots share."""
    # keyed by the programme mix itself (the AAC is a function of it), as the cut always was
    key = content_key({"kind": "cut", "v": VERSION, "segments": [s.key for _, s in segments], "mix": mix.key,
                       "fps": str(fps)})
    deps = tuple(dict.fromkeys(s.id for _, s in segments))
    return Node("cut", "cut", key, ".mp4", (*deps, mixaudio.id, timeline.id),
                {"segments": {name: s.key for name, s in segments}, "audio": mixaudio.key}, runs_on=DRIVER)


def make(work, node: Node) -> dict:
    from filmmaker.errors import RenderError
    from filmmaker.render.ffmpeg import concat_listing, run_ffmpeg
    from filmmaker.timeline import cut_pieces

    keys = node.args["segments"]
    pieces = cut_pieces(work.timeline)  # the join holds each piece for the timeline's length of it
    encoded = {name: work.record("segment", key)["frames"] for name, key in keys.items()}
    if [(name, encoded.get(name)) for name, _ in pieces] != pieces:
        raise RenderError(f"the segments {sorted(encoded.items())} disagree with the timeline {pieces}; "
                          "this is a bug in filmmaker")
    with work.cache.put("cut", node.key, ".mp4") as tmp:
        listing = tmp.with_suffix(".txt")
        listing.write_text(concat_listing([(work.cache.path("segment", keys[name], ".mp4"), count)
                                           for name, count in pieces], work.enc.fps))
        try:
            run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing),
                        "-i", str(work.cache.path("mixaudio", node.args["audio"], ".m4a")),
                        "-map", "0:v", "-map", "1:a", "-c", "copy",
                        "-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", str(tmp)],
                       "joining the segments and muxing the mix")
        finally:
            listing.unlink(missing_ok=True)
    return {}
