"""What each shot depends on, grouped by the kind of change a writer would name, so a plan can
say *why* a shot is rebuilt: its text, a voice, a face, an asset file, its framing or timing,
or a new version of the code that renders it.

Each build leaves a manifest of these per shot (and how long its work took); the next plan
compares against it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.backends.face import FACE_ENGINE_VERSION
from filmmaker.cache import atomic_write_bytes, content_key
from filmmaker.graph.faces import face_jobs
from filmmaker.graph.faces import key_fields as face_key_fields

if TYPE_CHECKING:
    from filmmaker.plan import PlannedShot, Timing

MANIFEST_VERSION = 2
REASONS = {  # facet -> how the plan says it changed
    "text": "text", "voice": "voice", "face": "face", "asset": "asset file", "framing": "framing",
    "timing": "timing", "backend": "backend version", "format": "format",
}


def shot_inputs(work, graph, ps: PlannedShot, timing: Timing) -> dict[str, str]:
    """A short hash per facet of what the shot's segment is made from."""
    from filmmaker.graph.kinds import MAKERS

    picture = ps.shot.picture
    lines = [pl.line for pl in ps.lines]
    asset: dict = {"kind": picture.kind, "source": picture.source}
    if picture.path is not None:
        asset["sha256"] = work.file_hash(picture.path)
    image = graph.get("image", ps.id)
    if image is not None:
        asset["image"] = image.key
    enc = work.enc
    facets = {
        "text": [[line.speaker, line.text, line.parenthetical, line.pause_before, line.pause_after]
                 for line in lines],
        "voice": [[pl.actor.id, work.resolved.voices[pl.actor.id], dataclasses.asdict(pl.actor.voice)]
                  for pl in ps.lines],
        "face": face_key_fields(face_jobs(work.plan, ps), work.file_hash),
        "asset": asset,
        # the transition as it was before it had a label (the script's wording changes no frame)
        "framing": [ps.shot.camera, picture.anchor, picture.start, picture.keep_audio, picture.background,
                    picture.color, picture.motion, {"kind": ps.shot.transition.kind,
                                                    "seconds": ps.shot.transition.seconds}]
        + ([["fade_out", ps.shot.fade_out.seconds]] if ps.shot.fade_out is not None else []),
        "timing": [timing.frames[ps.index], timing.fade_in[ps.index],
                   [timing.line_starts[pl.id] for pl in ps.lines]],
        "backend": [_versions(MAKERS), FACE_ENGINE_VERSION],
        "format": [enc.width, enc.height, str(enc.fps), enc.preset],
    }
    return {facet: content_key({"v": value})[:16] for facet, value in facets.items()}


def _versions(makers: dict) -> dict:
    """Each node kind's code version: a new one rebuilds what it makes."""
    import importlib

    return {kind: getattr(importlib.import_module(module), "VERSION", 0) for kind, (module, _) in makers.items()}


def changed(now: dict[str, str], before: dict[str, str] | None) -> list[str]:
    """The facets that differ from the last build, in words."""
    if before is None:
        return ["new shot"]
    return [REASONS[facet] for facet in REASONS if now.get(facet) != before.get(facet)]


def manifest_path(work, cast: dict[str, str] | None = None) -> Path:
    """One manifest per screenplay and cast: a recast build leaves the original cast's alone."""
    cast_id = content_key(cast if cast is not None else work.sp.cast)[:10]
    return work.spec.state_dir / "manifests" / f"{work.sp.slug}.{cast_id}.json"


def read_manifest(work, cast: dict[str, str] | None = None) -> dict:
    try:
        manifest = json.loads(manifest_path(work, cast).read_text())
    except (OSError, ValueError):
        return {}
    return manifest if manifest.get("version") == MANIFEST_VERSION else {}


def write_manifest(work, graph, report) -> None:
    """The shots' inputs as built, and the cost of the work, for the next plan to compare against."""
    timing = report.timing
    before = read_manifest(work)
    costs = dict(before.get("costs", {}))
    entries = set(work.cache.touched) | graph.references()
    frames_built = sum(timing.frames[ps.index] for ps in work.plan.shots
                       if ps.id in report.built.get("segment", []))
    for kind, count in (("line", len(report.built.get("line", []))), ("segment", frames_built),
                        ("picture", len(report.built.get("picture", [])))):
        if count and report.stage_seconds.get(kind):
            costs[kind] = report.stage_seconds[kind] / count  # seconds per line, per frame, per picture
    outputs = {node.id: work.outputs.get(node.id) or before.get("outputs", {}).get(node.id)
               for node in graph.of_kind("export")}
    manifest = {"version": MANIFEST_VERSION, "costs": costs,
                "shots": {ps.id: shot_inputs(work, graph, ps, timing) for ps in work.plan.shots},
                "entries": sorted(entries),  # what the build used: `cache gc` keeps these
                "outputs": {node_id: record for node_id, record in outputs.items() if record}}
    atomic_write_bytes(manifest_path(work), json.dumps(manifest, indent=1, sort_keys=True).encode())
