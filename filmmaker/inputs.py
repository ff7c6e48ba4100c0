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
from filmmaker.facecast import face_jobs
from filmmaker.facecast import key_fields as face_key_fields

if TYPE_CHECKING:
    from filmmaker.build import FilmBuilder
    from filmmaker.plan import PlannedShot, Timing

MANIFEST_VERSION = 1
REASONS = {  # facet -> how the plan says it changed
    "text": "text", "voice": "voice", "face": "face", "asset": "asset file", "framing": "framing",
    "timing": "timing", "backend": "backend version", "format": "format",
}


def shot_inputs(builder: FilmBuilder, ps: PlannedShot, timing: Timing) -> dict[str, str]:
    """A short hash per facet of what the shot's segment is made from."""
    from filmmaker.build import VERSIONS

    picture = ps.shot.picture
    lines = [pl.line for pl in ps.lines]
    asset: dict = {"kind": picture.kind, "source": picture.source}
    if picture.path is not None:
        asset["sha256"] = builder.file_hash(picture.path)
    if builder.generates(ps):
        asset["image"] = builder.image_key(ps)
    facets = {
        "text": [[line.speaker, line.text, line.parenthetical, line.pause_before, line.pause_after]
                 for line in lines],
        "voice": [[pl.actor.id, builder.engine_identity(pl.actor.id), dataclasses.asdict(pl.actor.voice)]
                  for pl in ps.lines],
        "face": face_key_fields(face_jobs(builder.plan, ps), builder.file_hash),
        "asset": asset,
        "framing": [ps.shot.camera, picture.anchor, picture.start, picture.keep_audio, picture.background,
                    picture.color, picture.motion, dataclasses.asdict(ps.shot.transition)],
        "timing": [timing.frames[ps.index], timing.fade_in[ps.index],
                   [timing.line_starts[pl.id] for pl in ps.lines]],
        "backend": [VERSIONS, FACE_ENGINE_VERSION],
        "format": [builder.enc.width, builder.enc.height, str(builder.enc.fps), builder.enc.preset],
    }
    return {facet: content_key({"v": value})[:16] for facet, value in facets.items()}


def changed(now: dict[str, str], before: dict[str, str] | None) -> list[str]:
    """The facets that differ from the last build, in words."""
    if before is None:
        return ["new shot"]
    return [REASONS[facet] for facet in REASONS if now.get(facet) != before.get(facet)]


def manifest_path(builder: FilmBuilder, cast: dict[str, str] | None = None) -> Path:
    """One manifest per screenplay and cast: a recast build leaves the original cast's alone."""
    cast_id = content_key(cast if cast is not None else builder.sp.cast)[:10]
    return builder.state_dir / "manifests" / f"{builder.sp.slug}.{cast_id}.json"


def read_manifest(builder: FilmBuilder, cast: dict[str, str] | None = None) -> dict:
    try:
        manifest = json.loads(manifest_path(builder, cast).read_text())
    except (OSError, ValueError):
        return {}
    return manifest if manifest.get("version") == MANIFEST_VERSION else {}


def write_manifest(builder: FilmBuilder, timing: Timing) -> None:
    """The shots' inputs as built, and the cost of the work, for the next plan to compare against."""
    report = builder.report
    before = read_manifest(builder)
    costs = dict(before.get("costs", {}))
    entries = set(builder.cache.touched)
    if "cut" in report.reused:  # a rebuild that reused the cut looked no further: keep what made it
        entries |= {tuple(entry) for entry in before.get("entries", [])}
    frames_built = sum(timing.frames[ps.index] for ps in builder.plan.shots
                       if ps.id in report.built.get("segment", []))
    for stage, count in (("voices", len(report.built.get("line", []))), ("segments", frames_built),
                         ("pictures", len(report.built.get("picture", [])))):
        if count and report.stage_seconds.get(stage):
            costs[stage] = report.stage_seconds[stage] / count  # seconds per line, per frame, per picture
    manifest = {"version": MANIFEST_VERSION, "costs": costs,
                "shots": {ps.id: shot_inputs(builder, ps, timing) for ps in builder.plan.shots},
                "entries": sorted(entries)}  # what the build used: `cache gc` keeps these
    atomic_write_bytes(manifest_path(builder), json.dumps(manifest, indent=1, sort_keys=True).encode())
