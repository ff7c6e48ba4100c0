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
    from filmmaker.build import FilmBuilder
    from filmmaker.plan import plan_film, time_film
    from filmmaker.screenplay import load_screenplay

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
        screenplay = project / "the-launch.yaml"
        plan = plan_film(load_screenplay(screenplay), preview=True)
        FilmBuilder(plan).build(project / "out")
        builder = FilmBuilder(plan)
        builder.resolve()
        line_keys = {pl.id: builder.line_key(pl) for ps in plan.shots for pl in ps.lines}
        line_samples = builder.make_lines(line_keys)
        timing = time_film(plan, {k: n / 48_000 for k, n in line_samples.items()}, builder.footage_seconds())
        mix_key = builder.mix_key(timing, line_keys, line_samples)
        for kind in ("cue", "mix", "stem"):
            shutil.rmtree(builder.cache.root / kind, ignore_errors=True)
        started = time.perf_counter()
        builder.make_mix(timing, mix_key, line_keys, line_samples)
        seconds = time.perf_counter() - started
    film = timing.total_seconds
    print(f"fit {len(plan.cues)} cues and mix a {film:.1f} s film: {seconds:.2f} s = {seconds / film:.4f} "
          "of the film's length (target <= 0.02)")


if __name__ == "__main__":
    main()
