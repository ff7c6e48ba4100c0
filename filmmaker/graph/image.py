"""Generated images: a `prompt` shot pictured by the diffusion model. One worker loads the
pipeline once and is handed the images in batches of shots that share steps and guidance."""

from __future__ import annotations

import dataclasses

from filmmaker.cache import content_key
from filmmaker.graph.node import Node
from filmmaker.graph.prompts import generation
from filmmaker.plan import Plan, PlannedShot

VERSION = 1
HEAVY = "image"


def image_node(plan: Plan, ps: PlannedShot, model) -> Node:
    """A generated picture's key: everything that changes its pixels, the model by its files."""
    imagery = plan.screenplay.imagery
    key = content_key({"kind": "image", "v": VERSION, "model": model.identity,
                       **dataclasses.asdict(generation(plan, ps, imagery)),
                       "size": imagery.size or "native", "device": imagery.device})
    return Node("image", ps.id, key, ".png", args={"shot": ps.index}, runs_on=HEAVY)


def make_batch(work, nodes: list[Node]) -> dict[str, dict]:
    from filmmaker.backends.imagery import open_pipeline
    from filmmaker.render.picture import save_png

    imagery = work.sp.imagery
    model = work.resolved.image_model
    pipeline = work.model("image", lambda: open_pipeline(model, imagery.device))
    size = imagery.size or pipeline.native_size()
    groups: dict[tuple, list] = {}
    for node in nodes:
        gen = generation(work.plan, work.plan.shots[node.args["shot"]], imagery)
        groups.setdefault(gen.batch_settings(), []).append((node, gen))
    for group in groups.values():
        for start in range(0, len(group), imagery.batch):
            batch = group[start:start + imagery.batch]
            images = pipeline.generate([gen for _, gen in batch], size)
            for (node, gen), image in zip(batch, images):
                meta = {"prompt": gen.prompt, "seed": gen.seed, "image_size": list(size),
                        "model": str(model.folder), "device": pipeline.device}
                if dropped := pipeline.overflow(gen.prompt):
                    meta["warning"] = (f"shot {node.name!r}: the prompt is {dropped} tokens longer than the text "
                                       "encoder reads; its end is cut off: shorten the prompt or the style")
                with work.cache.put("image", node.key, ".png", meta) as tmp:
                    save_png(image, tmp)
    return {node.id: {} for node in nodes}
