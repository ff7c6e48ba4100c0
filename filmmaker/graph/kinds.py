"""Which function makes each kind of node, and how the scheduler tells a node is already made.

Modules are named, not imported, so a process imports only the engines of the nodes it runs
(a no-op rebuild loads no numerics, a voice worker no diffusion)."""

from __future__ import annotations

import importlib

from filmmaker.graph.node import Node

MAKERS = {
    "line": ("filmmaker.graph.line", "make"),
    "timing": ("filmmaker.graph.timing", "make_timing"),
    "picture": ("filmmaker.graph.picture", "make"),
    "segment": ("filmmaker.graph.segment", "make"),
    "media": ("filmmaker.graph.media", "make"),
    "cue": ("filmmaker.graph.cue", "make"),
    "premix": ("filmmaker.graph.premix", "make"),
    "loudness": ("filmmaker.graph.mix", "make_loudness"),
    "mix": ("filmmaker.graph.mix", "make"),
    "stem": ("filmmaker.graph.mix", "make_stem"),
    "mixaudio": ("filmmaker.graph.mix", "make_mixaudio"),
    "cut": ("filmmaker.graph.cut", "make"),
    "signed": ("filmmaker.graph.signed", "make"),
    "timeline": ("filmmaker.graph.outputs", "make_timeline"),
    "export": ("filmmaker.graph.outputs", "make_export"),
}
# nodes that hold a heavy model: one worker makes a batch of them with one load
BATCH_MAKERS = {
    "image": ("filmmaker.graph.image", "make_batch"),
    "motion": ("filmmaker.graph.motion", "make_batch"),
    "music": ("filmmaker.graph.cue", "make_batch"),
    "song": ("filmmaker.graph.song", "make_batch"),
}


def _function(spec: tuple[str, str]):
    module, name = spec
    return getattr(importlib.import_module(module), name)


def make_node(work, node: Node) -> dict:
    if node.kind == "output":
        from filmmaker.graph import outputs

        return outputs.make_cuesheet(work, node) if node.name == "cuesheet" else outputs.make_copy(work, node)
    if node.kind in BATCH_MAKERS:
        return make_batch(work, [node])[node.id]
    return _function(MAKERS[node.kind])(work, node) or {}


def make_batch(work, nodes: list[Node]) -> dict[str, dict]:
    return _function(BATCH_MAKERS[nodes[0].kind])(work, nodes)


def is_made(work, node: Node) -> bool:
    """Whether the node's artifact exists and is whole (outputs: already in place)."""
    if node.cached:
        return work.cache.has(node.kind, node.key, node.ext)
    if node.kind == "output" and node.name != "cuesheet":
        from filmmaker.graph.outputs import copy_done

        return copy_done(work, node)
    if node.kind == "export":
        from filmmaker.graph.outputs import export_done

        return export_done(work, node)
    return False  # the timeline and cue sheet are cheap: made whenever needed (written only when changed)
