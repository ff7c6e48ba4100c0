"""Fitting and mixing the example's score, against the film's length.

    python benchmarks/score.py

One run: builds a fresh copy of the example once (preview size: the sound is the same at any frame
size), drops its cached cues, mix and stems, then times remaking them: decoding each cue's track,
fitting it to its span (loops on bar lines, fades, crossfades), ducking, loudness normalization with
the true-peak limiter, and writing the program and stems to the cache. Prints that time / the film's
duration (target <= 0.02).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"


def main() -> None:
    from filmmaker.build import build_film, prepare
    from filmmaker.executors.local import execute
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
        screenplay = project / "the-launch.yaml"
        plan = plan_film(load_screenplay(screenplay), preview=True)
        build_film(plan, project / "out")
        work, film = prepare(plan)
        graph = film.graph
        seconds_of_film = work.timing(graph.get("timing", "film").key).total_seconds
        for kind in ("cue", "premix", "loudness", "mix", "stem", "mixaudio"):
            shutil.rmtree(work.cache.root / kind, ignore_errors=True)
        targets = [graph.get("mix", "mix").id] + [node.id for node in graph.of_kind("stem")]
        started = time.perf_counter()
        outcome = execute(graph, targets, work)
        seconds = time.perf_counter() - started
    remade = {kind: len(outcome.built.get(kind, [])) for kind in ("cue", "premix", "loudness", "mix", "stem")}
    assert all(remade.values()), f"expected the sound to be remade, got {remade}"
    film = seconds_of_film
    print(f"fit {len(plan.cues)} cues and mix a {film:.1f} s film: {seconds:.2f} s = {seconds / film:.4f} "
          "of the film's length (target <= 0.02)")


if __name__ == "__main__":
    main()
