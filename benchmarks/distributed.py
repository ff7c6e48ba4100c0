"""Ray against the local executor, measured; and past one machine, predicted.

    python benchmarks/distributed.py [--skip-measure] [--minutes 90] [--workers 1,4,16,64]
                                     [--gpu-image 0.1] [--gpu-motion 4.0]

1. The example built cold through a two-node Ray cluster started here (one CPU per node, on this
   machine) against the local executor on the same cores, one run each: both times and the ratio
   (target <= 1.3 x local).
2. A feature by simulation: the pace of each kind of work measured on this machine (a build of the
   example in one process, so no two kinds share a core), scaled to a film of --minutes whose every
   shot has a generated picture and a generated motion clip (GPU seconds per image and per clip as
   arguments; defaults: SDXL-Turbo ~0.1 s per 512 px image and LTX-Video ~4 s per 5 s clip on an
   H100, from their published figures), list-scheduled on N workers with one GPU each while the
   driver does its own serial work (the mix, the join, and storing every artifact that comes back).
   Prints the predicted wall time and what bounds it.
"""

from __future__ import annotations

import argparse
import heapq
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets" / "examples"
RAY = Path(sys.executable).parent / "ray"


def _project(folder: Path) -> Path:
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".filmmaker", "out"))
    return folder / "the-launch.yaml"


def _timed_build(screenplay: Path, env: dict, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(screenplay), *extra], check=True,
                   stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def measure() -> None:
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}
    temp = Path(tempfile.mkdtemp(prefix="fm-bench-", dir="/tmp"))
    port = "6399"
    common = ["--num-cpus", "1", "--num-gpus", "0", "--node-ip-address", "127.0.0.1", "--disable-usage-stats",
              "--object-store-memory", str(200 * 2**20)]
    try:
        local = _timed_build(_project(temp / "local"), env)
        subprocess.run([str(RAY), "start", "--head", "--port", port, "--include-dashboard", "false",
                        "--temp-dir", str(temp / "t"), *common], check=True, capture_output=True,
                       env={**env, "FILMMAKER_WORKER_DIR": str(temp / "store-head")})
        subprocess.run([str(RAY), "start", "--address", f"127.0.0.1:{port}", *common], check=True,
                       capture_output=True, env={**env, "FILMMAKER_WORKER_DIR": str(temp / "store-second")})
        distributed = _timed_build(_project(temp / "ray"), env, "--executor", "ray", "--address", f"127.0.0.1:{port}")
    finally:
        subprocess.run([str(RAY), "stop", "--force"], capture_output=True, env=env)
        shutil.rmtree(temp, ignore_errors=True)
    print(f"local executor (2 cores):     {local:6.2f} s")
    print(f"ray, 2 nodes x 1 CPU:         {distributed:6.2f} s   ray / local = {distributed / local:.2f} "
          "(target <= 1.3)")


# -- the simulation -----------------------------------------------------------------------------


@dataclass
class Pace:
    """Seconds of work per unit, measured: per line, per picture, per frame of segment and of media
    handles, per second of film for the sound's pieces and the driver's mix and join; bytes that come
    back per second of film, and the driver's disk speed."""

    line: float
    picture: float
    segment_frame: float
    media_per_shot: float
    cue_per_second: float
    premix_per_second: float
    mix_per_second: float  # driver
    mixaudio_per_second: float
    cut_per_second: float  # driver
    bytes_per_second: float
    disk_bytes_per_second: float
    lines_per_minute: float
    shots_per_minute: float


def measure_pace() -> Pace:
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    with tempfile.TemporaryDirectory() as tmp:
        screenplay = _project(Path(tmp) / "p")
        plan = plan_film(load_screenplay(screenplay))
        report = build_film(plan, screenplay.parent / "out", jobs=1)  # one process: each kind's own time
        cache = screenplay.parent / ".filmmaker" / "cache"
        made = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file() and ".record" not in p.name)
        probe = Path(tmp) / "disk-probe"
        started = time.perf_counter()
        with open(probe, "wb") as fh:
            fh.write(os.urandom(64 * 2**20))
            os.fsync(fh.fileno())
        disk = 64 * 2**20 / (time.perf_counter() - started)
    s, seconds, frames = report.stage_seconds, report.seconds, report.frames
    count = lambda kind: max(1, len(report.built.get(kind, [])))  # noqa: E731
    return Pace(s.get("line", 0) / count("line"), s.get("picture", 0) / count("picture"),
                s.get("segment", 0) / frames, s.get("media", 0) / count("segment"),
                s.get("cue", 0) / seconds, s.get("premix", 0) / seconds,
                (s.get("mix", 0) + s.get("loudness", 0) + s.get("stem", 0)) / seconds,
                s.get("mixaudio", 0) / seconds, s.get("cut", 0) / seconds, made / seconds, disk,
                count("line") / (seconds / 60), len(plan.shots) / (seconds / 60))


def simulate(pace: Pace, minutes: float, workers: int, gpu_image: float, gpu_motion: float) -> tuple[float, str]:
    """List-schedule the film's nodes (longest path first) on `workers` slots and the driver."""
    seconds = minutes * 60
    shots = round(pace.shots_per_minute * minutes)
    shot_seconds = seconds / shots
    lines_per_shot = pace.lines_per_minute * minutes / shots
    pieces = max(1, round(seconds / 60))  # the mix's pieces: about a minute each
    tasks: dict[str, tuple[float, str, list[str]]] = {}  # id -> (seconds, where, deps)
    for i in range(shots):
        tasks[f"image{i}"] = (gpu_image, "worker", [])
        tasks[f"motion{i}"] = (gpu_motion, "worker", [f"image{i}"])
        tasks[f"lines{i}"] = (pace.line * lines_per_shot, "worker", [])
        tasks[f"segment{i}"] = (pace.segment_frame * shot_seconds * 24, "worker", [f"motion{i}", f"lines{i}"])
        tasks[f"media{i}"] = (pace.media_per_shot, "worker", [f"segment{i}"])
    per_piece = seconds / pieces
    for p in range(pieces):
        span = range(p * shots // pieces, (p + 1) * shots // pieces)
        tasks[f"premix{p}"] = ((pace.cue_per_second + pace.premix_per_second) * per_piece, "worker",
                               [f"lines{i}" for i in span])
    tasks["mix"] = (pace.mix_per_second * seconds, "driver", [f"premix{p}" for p in range(pieces)])
    tasks["mixaudio"] = (pace.mixaudio_per_second * seconds, "worker", ["mix"])
    tasks["cut"] = (pace.cut_per_second * seconds, "driver", ["mixaudio", *(f"segment{i}" for i in range(shots))])
    store = pace.bytes_per_second * seconds / pace.disk_bytes_per_second  # the driver keeps what comes back
    order = list(tasks)
    rank: dict[str, float] = {}
    dependants: dict[str, list[str]] = {t: [] for t in tasks}
    for t, (_, _, deps) in tasks.items():
        for d in deps:
            dependants[d].append(t)
    for t in reversed(order):
        rank[t] = tasks[t][0] + max((rank[d] for d in dependants[t]), default=0.0)
    waiting = {t: set(tasks[t][2]) for t in tasks}
    ready = [(-rank[t], t) for t in tasks if not waiting[t]]
    heapq.heapify(ready)
    free = {"worker": workers, "driver": 1}
    events: list[tuple[float, str]] = []
    clock, held = 0.0, []
    while ready or events:
        while ready:
            _, t = heapq.heappop(ready)
            where = tasks[t][1]
            if free[where]:
                free[where] -= 1
                heapq.heappush(events, (clock + tasks[t][0], t))
            else:
                held.append((-rank[t], t))
        for item in held:
            heapq.heappush(ready, item)
        held = []
        clock, t = heapq.heappop(events)
        free[tasks[t][1]] += 1
        for d in dependants[t]:
            waiting[d].discard(t)
            if not waiting[d]:
                heapq.heappush(ready, (-rank[d], d))
    # storing what comes back runs beside the rest on the driver: it bounds the build if it outlasts it
    driver_busy = sum(v[0] for v in tasks.values() if v[1] == "driver") + store
    wall = max(clock, driver_busy)
    gpu = shots * (gpu_image + gpu_motion) / workers
    work = sum(v[0] for v in tasks.values() if v[1] == "worker") / workers
    step, chain = max(rank, key=rank.get), []
    while step is not None:  # the critical path itself, by kind of work
        chain.append(step.rstrip("0123456789"))
        step = max(dependants[step], key=rank.get, default=None)
    bounds = {"the workers (generation and encoding)": work, "the driver (mix, join, storing artifacts)":
              driver_busy, f"the longest chain ({' > '.join(chain)})": rank[max(rank, key=rank.get)]}
    bound = max(bounds, key=bounds.get)
    return wall, f"{bound}; GPU share of the work {gpu / max(work, 1e-9):.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-measure", action="store_true", help="only the simulation")
    parser.add_argument("--minutes", type=float, default=90.0)
    parser.add_argument("--workers", default="1,4,16,64")
    parser.add_argument("--gpu-image", type=float, default=0.1, help="GPU seconds per generated picture")
    parser.add_argument("--gpu-motion", type=float, default=4.0, help="GPU seconds per generated motion clip")
    args = parser.parse_args()
    if not args.skip_measure:
        measure()
    pace = measure_pace()
    print(f"\n{args.minutes:g}-minute film, every shot generated ({args.gpu_image:g} s GPU per picture, "
          f"{args.gpu_motion:g} s per motion clip), paces measured here:")
    print(f"{'workers':>8} {'predicted wall':>15}  bound by")
    for n in (int(w) for w in args.workers.split(",")):
        wall, bound = simulate(pace, args.minutes, n, args.gpu_image, args.gpu_motion)
        print(f"{n:>8} {wall / 60:>11.1f} min  {bound}")


if __name__ == "__main__":
    main()
