"""Segments: the cut's pieces, each its own small H.264/AAC file. A shot's body (the frames
outside any dissolve), or a dissolve between two shots (a crossfade, or a dip through black for a
`fade`). An unchanged shot is never re-encoded. A shot's own fades (the first shot's fade in, a
`fade_out`) are in its frames wherever they are read: body, dissolve and editorial handles."""

from __future__ import annotations

from filmmaker.cache import content_key
from filmmaker.graph.faces import face_jobs
from filmmaker.graph.faces import key_fields as face_key_fields
from filmmaker.graph.node import Node
from filmmaker.graph.timing import RATE
from filmmaker.plan import Plan, PlannedShot, fade_in_frames, fade_out_frames
from filmmaker.screenplay.model import ANCHORS

VERSION = 4  # 3: frames converted to BT.709 4:2:0 before the encoder; fast AAC sync sound; 4: one x264 thread


def shot_fields(plan: Plan, ps: PlannedShot, file_hash, facts: list, picture: str, motion: str | None) -> dict:
    fields = {"picture": picture, "camera": ps.shot.camera, "anchor": ps.shot.picture.anchor, "facts": facts,
              "faces": face_key_fields(face_jobs(plan, ps), file_hash), "motion": motion}
    # the shot's own fades, only where it has them: every other shot keeps the key it had
    fades = shot_fades(ps, plan.format.fps)
    if fades[0]:
        fields["fade_in"] = fades[0]
    if fades[1]:
        fields["fade_out"] = fades[1]
    return fields


def shot_fades(ps: PlannedShot, fps) -> tuple[int, int]:
    """(frames up from black at the shot's start, frames down to black at its end)."""
    return fade_in_frames(ps, fps), fade_out_frames(ps, fps)


def encoding_fields(enc) -> dict:
    return {"kind": "segment", "v": VERSION, "w": enc.width, "h": enc.height, "fps": str(enc.fps),
            "preset": enc.preset, "crf": enc.crf}


def body_node(ps: PlannedShot, fields: dict, next_transition: list, deps: tuple[str, ...], args: dict,
              enc) -> Node:
    key = content_key({**encoding_fields(enc), "body": fields, "next": next_transition})
    return Node("segment", ps.id, key, ".mp4", deps, {**args, "shots": [ps.index]})


def dissolve_node(a: PlannedShot, b: PlannedShot, fields_a: dict, fields_b: dict, deps: tuple[str, ...],
                  args: dict, enc) -> Node:
    key = content_key({**encoding_fields(enc), "dissolve": [fields_a, fields_b]})
    return Node("segment", f"{a.id}>{b.id}", key, ".mp4", deps, {**args, "shots": [a.index, b.index]})


def make(work, node: Node) -> dict:
    from filmmaker.graph.timing import shot_layout
    from filmmaker.render.fades import dip_to_black
    from filmmaker.render.shot import dissolve, encode_segment

    plan, shots = work.plan, node.args["shots"]
    timing = shot_layout(work, shots, node.args["lines"])  # from its own lines: no waiting on the film's
    if len(shots) == 2:
        a, b = (plan.shots[i] for i in shots)
        take_a, take_b = timing.dissolve_split(b.index)
        count, n_a = take_a + take_b, timing.frames[a.index]
        sources = [frames_of(work, a, timing, node.args), frames_of(work, b, timing, node.args)]
        if b.shot.transition.kind == "fade":  # through black: each shot's own frames, none beyond them
            frames = dip_to_black(sources[0].read(n_a - take_a, take_a), sources[1].read(0, take_b), take_a, take_b)
        else:
            frames = dissolve(sources[0].read(n_a - take_a, count), sources[1].read(-take_a, count), count)
        audio = _overlay(shot_dialogue(work, a, timing, node.args, n_a - take_a, count),
                         shot_dialogue(work, b, timing, node.args, -take_a, count))
        source = None
    else:
        ps = plan.shots[shots[0]]
        first, end = timing.body(ps.index)
        count = end - first
        source = frames_of(work, ps, timing, node.args)
        sources = [source]
        frames = source.read(first, count)
        audio = shot_dialogue(work, ps, timing, node.args, first, count)
    meta: dict = {"frames": count}
    with work.cache.put("segment", node.key, ".mp4", meta) as tmp:
        encode_segment(frames, count, audio, work.enc, tmp)
        if source is not None and source.frame_filter is not None:
            meta["identity"] = {role: [sc.to_actor, sc.to_stand_in, sc.found]
                                for role, sc in source.frame_filter.scores().items()}
    return {"warnings": [f"segment {node.name}: the footage {s.footage.name} is damaged; its decoder reported: "
                         f"{s.complaints[0].splitlines()[-1][:200]} (the frames it could not read are concealed)"
                         for s in sources if s.complaints]}


def _overlay(a, b):
    """`b` over `a`, on `a`'s sample clock. Where frames fall between samples (7 or 13.37 fps), the
    same frames can round to one sample more in one shot's clock than in the other's."""
    import numpy as np

    if len(b) != len(a):
        b = np.pad(b, (0, max(0, len(a) - len(b))))[:len(a)]
    return a + b


def frames_of(work, ps: PlannedShot, timing, args: dict):
    """The shot's frames by shot-local index: its picture (or motion clip, or footage) under the camera."""
    from filmmaker.render.picture import load_still
    from filmmaker.render.shot import ShotFrames

    picture = ps.shot.picture
    anchor = ANCHORS[picture.anchor]
    frames = timing.frames[ps.index]
    fades = shot_fades(ps, work.plan.format.fps)
    if picture.kind == "footage":
        swapper = None
        if ps.shot.faces:
            from filmmaker.render.faceswap import ShotSwapper

            jobs = face_jobs(work.plan, ps)
            swapper = ShotSwapper(work.face_engine, jobs, work.actor_faces(jobs), float(work.enc.fps), frames)
        return ShotFrames(work.enc, frames, ps.shot.camera, footage=picture.path, footage_start=picture.start,
                          anchor=anchor, frame_filter=swapper, fades=fades)
    motion = args["motions"].get(str(ps.index))
    if motion:
        import numpy as np

        with np.load(work.cache.path("motion", motion, ".npz")) as clip:
            clip_frames = list(clip["frames"])
        return ShotFrames(work.enc, frames, ps.shot.camera, clip=clip_frames, anchor=anchor, fades=fades)
    image = load_still(work.cache.path("picture", args["pictures"][str(ps.index)], ".png"))
    return ShotFrames(work.enc, frames, ps.shot.camera, image=image, anchor=anchor, fades=fades)


def shot_dialogue(work, ps: PlannedShot, timing, args: dict, first: int, count: int):
    """The shot's lines as mono audio over its local frames [first, first + count)."""
    import numpy as np

    from filmmaker.graph.line import load_line
    from filmmaker.render.audio import place

    def sample(frame: int) -> int:
        return round(frame * RATE / timing.fps)

    begin, end = sample(first), sample(first + count)
    track = np.zeros(end - begin, np.float32)
    for pl in ps.lines:
        place(track, load_line(work, args["lines"][pl.id]), round(timing.line_starts[pl.id] * RATE) - begin)
    return track
