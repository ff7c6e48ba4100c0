"""The local executor: the same bytes whatever the number of workers, and an interrupted build
(Ctrl-C, or killed outright) that resumes to the very film an uninterrupted one makes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from filmmaker.cache import Cache

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SMALL = """
title: Workers
format: {width: 320, height: 180, fps: 24}
actors:
  one: {voice: {engine: piper, pitch: 2}}
  two: {voice: {engine: espeak, model: en-us}}
cast: {ONE: one, TWO: two}
score:
  - {from: a1, to: a3, mood: calm}
scenes:
  - id: a
    heading: INT. ROOM - DAY
    shots:
      - id: a1
        picture: {card: ONE}
        camera: push-in
        lines:
          - {speaker: ONE, text: "A first line, to give the workers something to say."}
          - {speaker: TWO, text: "And a second, from somebody else."}
      - id: a2
        picture: {prompt: "A window over a grey sea."}
        camera: pan-left
        transition: crossfade
        lines:
          - {speaker: ONE, text: "The third line comes with a dissolve."}
      - id: a3
        picture: {card: TWO, background: "#203040"}
        lines:
          - {speaker: TWO, text: "A fourth, and the scene is done."}
  - id: b
    heading: EXT. PIER - NIGHT
    shots:
      - id: b1
        picture: {card: THREE}
        camera: pull-out
        lines:
          - {speaker: ONE, text: "A new scene: a new piece of the mix."}
      - id: b2
        picture: {prompt: "Lamps along the pier, one by one."}
        camera: push-in
        lines:
          - {speaker: TWO, text: "More shots, so that a build lasts long enough to be interrupted."}
          - {speaker: ONE, text: "Each of them is a node of its own, with its own segment."}
      - id: b3
        picture: {card: FOUR, background: "#302010"}
        camera: pan-right
        transition: crossfade
        lines:
          - {speaker: ONE, text: "A crossfade in the second scene, and a line over it."}
      - {id: b4, picture: {card: END}, duration: 2}
"""


def project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / "workers.yaml"
    path.write_text(SMALL)
    return path


def cli(path: Path, *args: str, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "filmmaker", "build", str(path), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file a build leaves beside the film, but the FCP XML (it names its folder); for the film
    itself, the cut it signs (each signature is new bytes)."""
    made = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".xml"}
    (cut,) = (folder.parent / ".filmmaker" / "cache" / "cut").rglob("*.mp4")
    return {name: cut.read_bytes() if name.endswith(".mp4") and "/" not in name else data
            for name, data in made.items()}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, bytes]:
    path = project(tmp_path_factory.mktemp("one") / "p")
    build = cli(path, "--jobs", "1")
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 0, stderr.decode()
    return outputs(path.parent / "out")


def test_one_worker_and_four_make_the_same_bytes(clean, tmp_path):
    path = project(tmp_path / "p")
    build = cli(path, "--jobs", "4")
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 0, stderr.decode()
    made = outputs(path.parent / "out")
    assert made.keys() == clean.keys() and len(made) > 10
    assert [name for name in made if made[name] != clean[name]] == []


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
@pytest.mark.parametrize("seed", [1, 2])
def test_an_interrupted_build_resumes_to_the_same_bytes(clean, tmp_path, how, seed):
    path = project(tmp_path / "p")
    cache = path.parent / ".filmmaker" / "cache"
    build = cli(path, "--jobs", "2", start_new_session=True)  # its own group: a signal reaches only the driver
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((cache / "line").glob("*/*.record.json")):
        time.sleep(0.01)  # wait until work is under way
    time.sleep(random.Random(seed).uniform(0.0, 1.0))
    if build.poll() is not None:
        pytest.skip("the build finished before it could be interrupted")
    os.kill(build.pid, getattr(signal, how))
    _, stderr = build.communicate(timeout=60)  # stops promptly: no hang on workers
    if how == "SIGINT":
        assert build.returncode == 130, stderr.decode()
        assert "interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
    time.sleep(0.5)  # a killed driver's workers see it gone and stop
    assert Cache(cache).verify() == []  # whatever has a final name is whole
    assert not [p for p in (path.parent / "out").rglob("*") if ".part" in p.name]
    resumed = cli(path)
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr.decode()
    assert outputs(path.parent / "out") == clean
    leftovers = [p for p in cache.rglob(".*.part*")]
    assert leftovers == [] or how == "SIGKILL"  # a SIGKILLed worker cannot tidy up; gc removes those
