"""What a build tells its user, read off the graph after the executor is done: what was made and
reused, the film's length, the face-swap identity checks, and the warnings recorded with
artifacts when they were made (repeated on every build, not only the one that made them)."""

from __future__ import annotations

from pathlib import Path

from filmmaker.graph.node import Graph

# what the report lists as built or reused (the graph's bookkeeping nodes are not news)
REPORTED = ("line", "image", "picture", "motion", "music", "song", "segment", "media", "cue", "mix", "cut")


def fill_report(report, work, film, outcome, outdir: Path, export) -> None:
    graph: Graph = film.graph
    report.built = {k: v for k, v in outcome.built.items() if k in REPORTED}
    report.reused = {k: v for k, v in outcome.reused.items() if k in REPORTED}
    report.nodes_built = dict(outcome.built)
    report.stage_seconds.update(outcome.seconds)
    timing = work.timing(graph.get("timing", "film").key)
    report.timing, report.frames, report.seconds = timing, timing.total_frames, timing.total_seconds
    report.warnings.extend(footage_warnings(work.plan, timing, work.resolved.footage_seconds(work.plan)))
    report.identity, identity_warnings = identity(work, graph)
    report.warnings.extend(identity_warnings)
    report.warnings.extend(image_warnings(work, graph))
    report.warnings.extend(film.warnings)
    report.warnings.extend(outcome.warnings)
    for node in graph.of_kind("export"):  # an export the last build wrote as it is: its files and notes
        if node.name not in outcome.built.get("export", []) and node.id in work.last_outputs():
            record = work.last_outputs()[node.id]
            work.exports.update({name: Path(path) for name, path in record.get("formats", {}).items()})
            report.warnings.extend(record.get("warnings", []))
    report.exports = dict(work.exports)
    report.subtitles = report.exports.get("srt")
    if export.film:
        report.film = outdir / f"{work.sp.slug}.mp4"
        cuts = list(graph.of_kind("cut"))
        report.cut = work.cache.path("cut", cuts[0].key, ".mp4") if cuts else None
    report.stems = {node.name: outdir / "stems" / f"{node.name}.wav" for node in graph.of_kind("stem")}
    report.cue_sheet = outdir / "cuesheet.csv"


def footage_warnings(plan, timing, usable: dict[int, float]) -> list[str]:
    out = []
    for index, seconds in usable.items():
        shown = timing.seconds(timing.frames[index])
        if shown > seconds + 0.05:
            out.append(f"shot {plan.shots[index].id!r}: the footage has {seconds:.2f} s after its in-point "
                       f"but the shot runs {shown:.2f} s; its last frame is held for the rest")
    return out


def identity(work, graph: Graph) -> tuple[dict, list[str]]:
    """The identity check of every swapped shot, from the records its artifacts were stored with."""
    scores_by_shot, warnings = {}, []
    for ps in work.plan.shots:
        kind = ps.shot.picture.kind
        if not ps.shot.faces or not (kind in ("still", "footage") or work.resolved.generates(ps)):
            continue  # nothing to swap onto (a storyboard panel waits for an image model)
        node = graph.get("segment" if kind == "footage" else "picture", ps.id)
        scores = work.record(node.kind, node.key).get("identity", {})
        scores_by_shot[ps.id] = scores
        for role, (to_actor, to_stand_in, found) in scores.items():
            if found == 0:
                warnings.append(f"shot {ps.id!r}: no face found for {role}; the shot is rendered un-swapped")
            elif not to_actor < to_stand_in:
                warnings.append(
                    f"shot {ps.id!r}: {role}'s swapped face looks more like the stand-in ({to_stand_in:.2f}) "
                    f"than the actor ({to_actor:.2f}); try a larger, more frontal stand-in or actor photo")
    return scores_by_shot, warnings


def image_warnings(work, graph: Graph) -> list[str]:
    """Warnings recorded when each generated picture was made."""
    out = []
    for node in graph.of_kind("image"):
        if work.cache.has("image", node.key, ".png"):
            record = work.record("image", node.key)
            if "warning" in record:
                out.append(record["warning"])
    return out
