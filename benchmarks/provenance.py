"""Cost of signed provenance: signing the example film with its C2PA manifest and reading it back,
against the example's cold build.

    python benchmarks/provenance.py [--film PATH [--cold SECONDS]] [--runs N]

Without --film it copies the example into a temp folder and builds it cold through the real CLI
(timed), then times `sign_film` + `read_film` on out/the-launch.mp4 (median of --runs, default 5)
with a project key made beforehand. Prints sign, read, their sum and sum / cold build
(target <= 0.05). With --film it signs that film; give --cold to get the ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"
SCREENPLAY = "the-launch.yaml"
KINDS = {"faces": ("face", "image/jpeg"), "footage": ("footage", "video/mp4")}


def cold_build(project: Path) -> float:
    command = [sys.executable, "-m", "filmmaker.cli", "build", str(project / SCREENPLAY)]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def example_provenance():
    """The example's media as ingredients and its planned shots (voices are synthesized in every
    shot with lines), so the manifest is the size a real one is."""
    from filmmaker.plan import plan_film
    from filmmaker.provenance import FilmProvenance, Ingredient, ShotRecord
    from filmmaker.screenplay import load_screenplay

    ingredients = []
    for path in sorted((EXAMPLE / "media").rglob("*")):
        if path.is_file():
            kind, mime = KINDS.get(path.parent.name, ("still", "image/jpeg"))
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            ingredients.append(Ingredient(path.name, kind, digest, mime, "digitalCapture"))
    plan = plan_film(load_screenplay(EXAMPLE / SCREENPLAY), preview=False)
    shots = [ShotRecord(ps.id, generated=["voice"] if ps.lines else []) for ps in plan.shots]
    return FilmProvenance(title=plan.screenplay.title, ingredients=ingredients, shots=shots)


def time_signing(film: Path, work: Path, runs: int) -> tuple[float, float]:
    """Median seconds of sign_film and of read_film on `film` (the key is made before timing)."""
    from filmmaker.provenance import project_signer, read_film, sign_film

    signer = project_signer(work / ".filmmaker")
    provenance = example_provenance()
    signs, reads = [], []
    for n in range(runs):
        dst = work / f"signed-{n}.mp4"
        started = time.perf_counter()
        sign_film(film, dst, provenance, signer)
        signs.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = read_film(dst)
        reads.append(time.perf_counter() - started)
        if report["changed"] or report["validation_state"] == "Invalid":
            raise SystemExit(f"the signed film does not verify: {report['validation_status']}")
        dst.unlink()
    return statistics.median(signs), statistics.median(reads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--film", type=Path, help="a film already built (skips the cold build)")
    parser.add_argument("--cold", type=float, help="the cold build's seconds, for the ratio with --film")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold = args.cold
        film = args.film
        if film is None:
            project = work / "project"
            shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
            cold = cold_build(project)
            film = project / "out" / "the-launch.mp4"
        sign_s, read_s = time_signing(film, work, args.runs)
        print(f"film: {film.name}, {film.stat().st_size / 1e6:.1f} MB")
    total = sign_s + read_s
    print(f"sign_film: {sign_s * 1000:8.1f} ms   read_film: {read_s * 1000:8.1f} ms   (median of {args.runs})")
    if cold:
        print(f"cold build: {cold:7.2f} s   (sign + read) / cold build = {total / cold:.4f}  (target <= 0.05)")
    else:
        print(f"sign + read: {total:.3f} s  (give --cold SECONDS for the ratio)")


if __name__ == "__main__":
    main()
