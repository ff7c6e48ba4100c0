"""Generated motion: a picture animated by an image-to-video model (`motion: generate`), its
frames spread over the shot under the camera move. One worker loads the pipeline once."""

from __future__ import annotations

from filmmaker.cache import content_key
from filmmaker.graph.node import Node
from filmmaker.graph.prompts import shot_seed
from filmmaker.plan import Plan, PlannedShot

VERSION = 1
HEAVY = "motion"


def motion_node(plan: Plan, ps: PlannedShot, model, picture: Node) -> Node:
    imagery = plan.screenplay.imagery
    key = content_key({"kind": "motion", "v": VERSION, "model": model.identity, "picture": picture.key,
                       "frames": imagery.motion_frames, "steps": imagery.motion_steps, "fps": imagery.motion_fps,
                       "size": imagery.motion_size, "device": imagery.device,
                       "seed": shot_seed(imagery.seed, f"{ps.id}/motion")})
    return Node("motion", ps.id, key, ".npz", (picture.id,), {"shot": ps.index, "picture": picture.key},
                runs_on=HEAVY)


def make_batch(work, nodes: list[Node]) -> dict[str, dict]:
    import numpy as np

    from filmmaker.backends.imagery import open_motion_pipeline
    from filmmaker.render.picture import load_still

    imagery = work.sp.imagery
    pipeline = work.model("motion", lambda: open_motion_pipeline(work.resolved.motion_model, imagery.device))
    for node in nodes:
        ps = work.plan.shots[node.args["shot"]]
        still = load_still(work.cache.path("picture", node.args["picture"], ".png"))
        frames = pipeline.animate(still, imagery.motion_frames, imagery.motion_steps, imagery.motion_fps,
                                  imagery.motion_size, shot_seed(imagery.seed, f"{ps.id}/motion"))
        with work.cache.put("motion", node.key, ".npz", {"frames": len(frames)}) as tmp:
            with open(tmp, "wb") as fh:  # a file object: numpy would add its own suffix to a name
                np.savez_compressed(fh, frames=np.stack(frames))
    return {node.id: {} for node in nodes}
