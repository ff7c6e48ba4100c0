"""Editorial media: a shot as a file an editor can conform to (`media/<REEL>.mp4`).

A shot between two cuts is its body segment as the film has it. A shot beside a dissolve needs
handles, the frames the dissolve borrows beyond the shot: those are rendered clean (not blended)
and joined to the body segment by stream copy, so the frames inside the shot are the very frames
of the cut. That joined file is this node.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from filmmaker.cache import content_key
from filmmaker.graph.node import Node
from filmmaker.partials import part_prefix
from filmmaker.plan import PlannedShot

VERSION = 2


def media_node(ps: PlannedShot, body: Node, head: int, tail: int) -> Node:
    """`head`/`tail`: frames the dissolves on either side borrow (timeline.handles)."""
    # the body's key names everything its frames depend on; the handles are more of the same shot
    key = content_key({"kind": "media", "v": VERSION, "body": body.key, "handles": [head, tail]})
    # the handles are drawn again from the shot's own picture and lines: those are inputs too
    return Node("media", ps.id, key, ".mp4", (body.id, *body.deps),
                {**body.args, "body": body.key, "handles": [head, tail]})


def pieces(timing, index: int, head: int, tail: int) -> list[tuple[int, int, bool]]:
    """(first shot-local frame, frames, whether it is the body segment) in order."""
    first, end = timing.body(index)
    out = [(first, end - first, True)]
    # the dissolve into the shot borrows `head` frames before it and takes `first` of its own (a
    # one-frame dissolve takes its frame from this shot alone: no head, yet that frame is the shot's)
    if head or first:
        out.insert(0, (-head, head + first, False))
    if tail or end < timing.frames[index]:
        out.append((end, timing.frames[index] - end + tail, False))
    return out


def make(work, node: Node) -> dict:
    from filmmaker.graph.segment import frames_of, shot_dialogue
    from filmmaker.graph.timing import shot_layout
    from filmmaker.render import shot as shot_render  # looked up at call time: tests count its encodes
    from filmmaker.render.ffmpeg import concat_listing, run_ffmpeg

    ps = work.plan.shots[node.args["shots"][0]]
    timing = shot_layout(work, [ps.index], node.args["lines"])
    head, tail = node.args["handles"]
    # the handles' folder is a part file too: a killed build's is swept by the next (partials.py)
    with work.cache.put("media", node.key, ".mp4") as tmp, \
            tempfile.TemporaryDirectory(prefix=part_prefix(node.key), suffix=".part", dir=tmp.parent) as folder:
        files = []
        for n, (first, frames, is_body) in enumerate(pieces(timing, ps.index, head, tail)):
            if is_body:
                files.append((work.cache.path("segment", node.args["body"], ".mp4"), frames))
                continue
            path = Path(folder) / f"handle{n}.mp4"
            shot_render.encode_segment(frames_of(work, ps, timing, node.args).read(first, frames), frames,
                                       shot_dialogue(work, ps, timing, node.args, first, frames), work.enc, path)
            files.append((path, frames))
        listing = Path(folder) / "join.txt"
        listing.write_text(concat_listing(files, work.enc.fps))
        run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0", "-c", "copy",
                    "-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", str(tmp)],
                   f"joining the handles of shot {ps.id!r} to its media")
    return {}
