"""A build: resolve what the film needs, lay out its graph, have an executor make what is missing,
and report what was made, what was reused and what to look at.

Everything an artifact's bytes depend on is in its node's key (graph/), so a rebuild makes only
what changed, and the same screenplay gives the same bytes whatever executor or `jobs` made them.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from filmmaker.cache import Cache, FileHashes, check_state
from filmmaker.errors import FilmmakerError
from filmmaker.executors import ExecutorOptions
from filmmaker.export import ExportOptions
from filmmaker.plan import Plan, Timing
from filmmaker.screenplay.direction import DIRECTIONS, parse_parenthetical


class Reporter(Protocol):
    """Where progress goes: the CLI draws bars, tests and libraries stay quiet."""

    def stage(self, name: str, total: int) -> None: ...
    def advance(self, name: str) -> None: ...


@dataclass
class BuildReport:
    film: Path | None = None
    cut: Path | None = None  # the cut before signing, in the cache: the same bytes wherever it is made
    subtitles: Path | None = None
    seconds: float = 0.0  # the film's length
    frames: int = 0
    built: dict[str, list[str]] = field(default_factory=dict)
    reused: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timing: Timing | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time of resolve; work seconds per kind
    exports: dict[str, Path] = field(default_factory=dict)  # format -> file (EDL, OTIO, XML, SRT, VTT)
    stems: dict[str, Path] = field(default_factory=dict)  # dialogue, music (, effects) -> WAV
    cue_sheet: Path | None = None
    # shot -> role -> (distance to the actor, distance to the stand-in, fraction of frames found)
    identity: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    nodes_built: dict[str, list[str]] = field(default_factory=dict)  # every kind of node, bookkeeping too
    placement: object | None = None  # on Ray: where the tasks ran (executors.ray_executor.Placement)

    def count(self, kind: str) -> tuple[int, int]:
        return len(self.built.get(kind, [])), len(self.reused.get(kind, []))


def unknown_directions(plan: Plan) -> list[str]:
    """One warning per parenthetical word that changes nothing but the subtitles."""
    seen: dict[str, str] = {}
    for ps in plan.shots:
        for pl in ps.lines:
            for word in parse_parenthetical(pl.line.parenthetical)[1]:
                seen.setdefault(word, ps.id)
    known = ", ".join(DIRECTIONS)
    return [f"parenthetical {word!r} (first in shot {shot!r}) is not a direction filmmaker performs; it stays "
            f"in the subtitles only (performed: {known})" for word, shot in seen.items()]


@contextlib.contextmanager
def _clock(into: dict[str, float], stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        into[stage] = into.get(stage, 0.0) + time.perf_counter() - started


def prepare(plan: Plan, outdir: Path | None = None, export: ExportOptions | None = None,
            cache_root: Path | None = None):
    """Resolve and lay out the graph: (Workshop, FilmGraph). Fails here, before any work, on
    anything missing. The cache is the project's own unless `cache_root` names another."""
    from filmmaker.graph.film import film_graph
    from filmmaker.graph.resolve import resolve
    from filmmaker.graph.workshop import Workshop, WorkshopSpec, encoding_for

    if any(ps.shot.picture.kind == "find" for ps in plan.shots):
        raise FilmmakerError("the screenplay's `find:` pictures are not chosen yet: pass it through "
                             "filmmaker.library.find.resolve_finds before planning (the CLI does)")
    state_dir = plan.screenplay.root / ".filmmaker"
    check_state(state_dir, cache_root or state_dir / "cache")
    cache = Cache(cache_root or state_dir / "cache")
    file_hash = FileHashes(state_dir / "file-hashes.json")
    resolved = resolve(plan, cache, file_hash)
    enc = encoding_for(plan)
    film = film_graph(plan, resolved, file_hash, enc, outdir, export)
    return Workshop(WorkshopSpec(plan, resolved, enc, state_dir), cache, file_hash), film


def _sweep(work, graph, outdir: Path) -> None:
    """Remove what killed builds left half-written where this one writes: the film's folders, the
    state folder, and the cache folders of this film's artifacts (a live build's files are kept)."""
    from filmmaker.partials import sweep

    state = work.spec.state_dir
    shards = {work.cache.path(node.kind, node.key, node.ext).parent for node in graph if node.cached}
    sweep([outdir, outdir / "media", outdir / "stems", state, state / "manifests", *sorted(shards)])


def build_film(plan: Plan, outdir: Path, reporter: Reporter | None = None, export: ExportOptions | None = None,
               jobs: int = 1, executor: ExecutorOptions | None = None, purpose: str = "internal") -> BuildReport:
    """Make the film and what goes with it in `outdir`. `jobs` 1 works in this process; more
    runs that many worker processes (the CLI's default: every core), which start fresh (not
    forked from the caller): a script that asks for them must guard its entry point with
    `if __name__ == "__main__":`. `executor` chooses another (Ray) and where the cache is.
    `purpose` (internal, release, audition) is what the real people in it must have agreed to."""
    from filmmaker.consent import check_consent
    from filmmaker.executors import open_executor
    from filmmaker.graph.manifest import write_manifest
    from filmmaker.graph.outputs import check_targets
    from filmmaker.graph.report import fill_report

    export = export or ExportOptions()
    report = BuildReport()
    report.warnings.extend(check_consent(plan, purpose))  # before any work: a refusal costs nothing
    report.warnings.extend(unknown_directions(plan))
    if plan.screenplay.library.media:
        from filmmaker.library.licences import library_warnings

        report.warnings.extend(library_warnings(plan))
    first_build = export.film and not (outdir / f"{plan.screenplay.slug}.mp4").exists()
    options = executor or ExecutorOptions(jobs=jobs)
    with open_executor(options, warm=first_build) as running:  # local workers start while we resolve
        with _clock(report.stage_seconds, "resolve"):
            work, film = prepare(plan, outdir, export, options.cache)
        report.warnings.extend(work.resolved.warnings)
        check_targets(film.graph, plan.screenplay.slug)
        _sweep(work, film.graph, outdir)
        work.file_hash.save()  # workers read the hashes of the inputs rather than hash them again
        outcome = running.run(film.graph, film.targets, work, reporter)
        report.placement = getattr(running, "placement", None)
    fill_report(report, work, film, outcome, outdir, export)
    if export.film:  # who and what is in it, beside every cut
        from filmmaker.cache import atomic_write_bytes
        from filmmaker.credits import credits_text

        atomic_write_bytes(outdir / "credits.txt", credits_text(plan, work.resolved.sources).encode())
        if any(ps.shot.picture.path is not None for ps in plan.shots):
            from filmmaker.library.licences import media_list

            atomic_write_bytes(outdir / "media.csv", media_list(plan).encode())
    work.file_hash.save()
    write_manifest(work, film.graph, report)
    report.warnings.extend(f"cache: {damage}" for damage in work.cache.corrupt)
    return report
