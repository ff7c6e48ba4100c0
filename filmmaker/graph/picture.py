"""The picture of a shot at the film's size: a still (face-swapped when cast), a title card, a
generated image (swapped, letterboxed), or a storyboard panel. Footage has no picture node: its
frames are read, and swapped, as its segment is encoded."""

from __future__ import annotations

from filmmaker.cache import content_key
from filmmaker.graph.faces import face_jobs
from filmmaker.graph.faces import key_fields as face_key_fields
from filmmaker.graph.node import Node
from filmmaker.plan import Plan, PlannedShot
from filmmaker.render.cardlines import CARD_LINES, card_layout_lines

VERSION = 1
# 2: a still's picture is the file as loaded (and swapped): keyed by the file, not by the frame size,
# in-point or sound it was used with, so a preview and a full build (or two shots) share it
STILL_VERSION = 2


def speakers(ps: PlannedShot) -> list[str]:
    return list(dict.fromkeys(pl.line.speaker for pl in ps.lines))


def picture_key(plan: Plan, ps: PlannedShot, enc, file_hash, image: Node | None) -> str:
    """Everything that changes the pixels; also what a footage shot's other nodes name its source by."""
    picture = ps.shot.picture
    if picture.kind == "still":
        fields: dict = {"kind": "picture", "v": VERSION, "still": STILL_VERSION, "sha256": file_hash(picture.path)}
        if ps.shot.faces:
            fields["faces"] = face_key_fields(face_jobs(plan, ps), file_hash)
        return content_key(fields)
    fields = {"kind": "picture", "v": VERSION, "picture": picture.kind, "w": enc.width, "h": enc.height}
    if picture.kind == "footage":
        fields["sha256"] = file_hash(picture.path)
        fields.update(start=picture.start, keep_audio=picture.keep_audio)
    elif picture.kind == "card":
        fields.update(text=picture.source, background=picture.background, color=picture.color)
        if card_layout_lines(picture.source) > CARD_LINES:  # set in its own lines since that layout came in
            fields["layout"] = 2
    elif image is not None:
        fields.update(image=image.key, fit=plan.screenplay.imagery.fit,
                      faces=face_key_fields(face_jobs(plan, ps), file_hash))
    elif picture.kind == "prompt":
        fields.update(prompt=picture.source, heading=ps.scene.heading, shot=ps.id, speakers=speakers(ps))
    return content_key(fields)


def picture_node(plan: Plan, ps: PlannedShot, enc, file_hash, image: Node | None) -> Node:
    deps = (image.id,) if image is not None else ()
    return Node("picture", ps.id, picture_key(plan, ps, enc, file_hash, image), ".png", deps,
                {"shot": ps.index, "image": image.key if image is not None else None})


def make(work, node: Node) -> dict:
    from filmmaker.render.picture import letterbox, load_still, render_card, render_storyboard, save_png

    ps = work.plan.shots[node.args["shot"]]
    picture, w, h = ps.shot.picture, work.enc.width, work.enc.height
    meta: dict = {}
    if picture.kind == "still":
        image = load_still(picture.path)
        if ps.shot.faces:
            image, meta["identity"] = swap_faces(work, ps, image)
    elif picture.kind == "card":
        image = render_card(picture.source, w, h, picture.background, picture.color)
    elif node.args["image"]:
        image = load_still(work.cache.path("image", node.args["image"], ".png"))
        if ps.shot.faces:
            image, meta["identity"] = swap_faces(work, ps, image)
        if work.sp.imagery.fit == "letterbox":
            image = letterbox(image, w, h)
    else:
        image = render_storyboard(picture.source, ps.scene.heading, speakers(ps), ps.id, w, h)
    with work.cache.put("picture", node.key, ".png", meta) as tmp:
        save_png(image, tmp)
    return {}


def swap_faces(work, ps: PlannedShot, image):
    from filmmaker.render.faceswap import swap_still

    jobs = face_jobs(work.plan, ps)
    image, scores = swap_still(work.face_engine, image, jobs, work.actor_faces(jobs))
    return image, {role: [sc.to_actor, sc.to_stand_in, sc.found] for role, sc in scores.items()}
