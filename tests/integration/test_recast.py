"""Recasting rebuilds only what the role touches; the cache survives kills, damage and a second
build at the same time; auditions tile the candidates in sync."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from filmmaker.build import build_film
from filmmaker.cache import Cache
from filmmaker.plan import plan_film
from filmmaker.screenplay import load_screenplay
from tests.conftest import copy_example

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def frame_hashes(film: Path) -> list[str]:
    import av

    with av.open(str(film)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in container.decode(video=0)]


def segment_files(project: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (project / ".filmmaker" / "cache" / "segment").rglob("*.mp4")}


def flight_shots(screenplay: Path) -> set[str]:
    sp = load_screenplay(screenplay)
    return {shot.id for sc in sp.scenes for shot in sc.shots if any(line.speaker == "FLIGHT" for line in shot.lines)}


def test_recasting_one_actor_rebuilds_exactly_their_shots_and_matches_a_clean_build(built_copy, tmp_path):
    before = segment_files(built_copy.parent)
    plan = plan_film(load_screenplay(built_copy), preview=True, cast={"FLIGHT": "june"})
    report = build_film(plan, built_copy.parent / "out")
    k = flight_shots(built_copy)
    bodies = {name for name in report.built["segment"] if ">" not in name}
    assert bodies == k and 0 < len(k) < len(plan.shots)
    for name in report.built["segment"]:  # a dissolve is rebuilt only where it touches a recast shot
        if ">" in name:
            assert set(name.split(">")) & k
    assert set(report.built) == {"line", "segment", "cue", "mix", "cut", "media"}  # no picture: FLIGHT has no face
    assert set(report.built["media"]) <= k  # the editor's media of the recast shots (retimed), no other
    after = segment_files(built_copy.parent)
    assert all(after[name] == digest for name, digest in before.items())  # the reused ones, byte for byte
    clean = copy_example(tmp_path / "clean")
    fresh = build_film(plan_film(load_screenplay(clean), preview=True, cast={"FLIGHT": "june"}), clean.parent / "out")
    assert frame_hashes(fresh.film) == frame_hashes(report.film)
    assert fresh.cut.read_bytes() == report.cut.read_bytes()  # the cut; the films are it, each signed anew


def test_the_plan_says_what_a_recast_rebuilds_and_why(built_copy):
    from filmmaker.dryrun import dry_run

    sp = load_screenplay(built_copy)
    film = dry_run(plan_film(sp, preview=True, cast={"FLIGHT": "june"}), base_cast=sp.cast)
    rebuilt = {s.shot: s for s in film.shots if not s.cached}
    assert set(rebuilt) == flight_shots(built_copy)
    assert all("voice" in s.reasons and any("line" in w for w in s.build) for s in rebuilt.values())
    assert film.estimate_seconds > 0
    # and a text edit is named as such
    built_copy.write_text(built_copy.read_text().replace("It is climbing. Slowly", "It is rising. Slowly"))
    trend = next(s for s in dry_run(plan_film(load_screenplay(built_copy), preview=True)).shots if s.shot == "trend")
    assert trend.reasons[0] == "text" and not trend.cached


def test_plan_json_is_machine_readable(built_copy):
    import json

    result = subprocess.run([sys.executable, "-m", "filmmaker", "plan", str(built_copy), "--preview", "--json",
                             "--cast", "FLIGHT=june"], capture_output=True, text=True, check=True)
    plan = json.loads(result.stdout)
    assert {s["shot"] for s in plan["shots"] if not s["cached"]} == flight_shots(built_copy)


SMALL = """\
title: Small
format: {width: 320, height: 180, fps: 24}
actors:
  a: {voice: {engine: espeak, model: en-us}}
  b: {voice: {engine: espeak, model: en-us+f3}}
cast: {ONE: a, TWO: b}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: s1
        picture: {card: ONE}
        camera: push-in
        lines:
          - {speaker: ONE, text: "The first line of this small film is long enough to take a moment to speak."}
          - {speaker: TWO, text: "And here is the second line, spoken by somebody else entirely."}
      - id: s2
        picture: {card: TWO, background: "#203040"}
        camera: pan-left
        transition: crossfade
        lines:
          - {speaker: ONE, text: "A third line, for a third moment of work."}
          - {speaker: TWO, text: "And a fourth, to close the scene."}
      - {id: s3, picture: {card: END}, duration: 4, camera: pull-out}
"""


def small_project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / "small.yaml"
    path.write_text(SMALL)
    return path


def cli_build(screenplay: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "filmmaker", "build", str(screenplay)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def clean_small(tmp_path_factory) -> bytes:
    path = small_project(tmp_path_factory.mktemp("clean") / "p")
    return build_film(plan_film(load_screenplay(path)), path.parent / "out").cut.read_bytes()  # before signing


def _partials(cache: Path, kind: str) -> list[Path]:
    return list((cache / kind).glob("*/.*.part*"))


@pytest.mark.parametrize("moment", ["line", "segment", "cut"])
def test_a_killed_build_leaves_nothing_half_written_and_rebuilds_identically(moment, clean_small, tmp_path):
    path = small_project(tmp_path / "p")
    cache = path.parent / ".filmmaker" / "cache"
    build = cli_build(path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        if moment == "line":
            if list((cache / "line").glob("*/*.record.json")):  # one line done: kill during the next
                break
        elif _partials(cache, moment):
            break
        time.sleep(0.001)
    assert build.poll() is None, f"the build finished before the {moment} could be interrupted"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    assert Cache(cache).verify() == []  # every entry under a final name is whole
    film = path.parent / "out" / "small.mp4"
    assert not film.exists()
    rebuilt = build_film(plan_film(load_screenplay(path)), path.parent / "out")
    assert rebuilt.cut.read_bytes() == clean_small
    assert not [w for w in rebuilt.warnings if w.startswith("cache:")]


def test_a_damaged_entry_is_detected_reported_and_rebuilt(clean_small, tmp_path):
    path = small_project(tmp_path / "p")
    build_film(plan_film(load_screenplay(path)), path.parent / "out")
    cache = Cache(path.parent / ".filmmaker" / "cache")
    cut = next((cache.root / "cut").rglob("*.mp4"))
    data = bytearray(cut.read_bytes())
    data[len(data) // 2] ^= 0x01
    cut.write_bytes(bytes(data))  # one bit flipped: same size
    line = next((cache.root / "line").rglob("*.f32"))
    line.write_bytes(line.read_bytes()[:100])  # and a line truncated
    (path.parent / "out" / "small.mp4").unlink()  # so the cut must come from the cache again:
    shutil.rmtree(cache.root / "signed")  # to be signed anew
    report = build_film(plan_film(load_screenplay(path)), path.parent / "out")
    damage = [w for w in report.warnings if w.startswith("cache:")]
    assert len(damage) == 2 and any(w.startswith("cache: cut") for w in damage)
    assert report.built["cut"] == ["cut"] and len(report.built["line"]) == 1
    assert report.cut.read_bytes() == clean_small
    assert len(list((cache.root / "quarantine").rglob("*"))) >= 4


def test_two_builds_of_one_project_at_once_both_finish_with_the_same_film(clean_small, tmp_path):
    path = small_project(tmp_path / "p")
    builds = [cli_build(path), cli_build(path)]
    for build in builds:
        _, stderr = build.communicate(timeout=300)
        assert build.returncode == 0, stderr.decode()
    (cut,) = (path.parent / ".filmmaker" / "cache" / "cut").rglob("*.mp4")
    assert cut.read_bytes() == clean_small and (path.parent / "out" / "small.mp4").is_file()
    assert Cache(path.parent / ".filmmaker" / "cache").verify() == []


def test_cache_commands_list_verify_and_collect_garbage_within_scope(tmp_path):
    path = small_project(tmp_path / "p")
    build_film(plan_film(load_screenplay(path)), path.parent / "out")
    run = [sys.executable, "-m", "filmmaker", "cache"]
    listing = subprocess.run([*run, "ls", str(path.parent)], capture_output=True, text=True, cwd=ROOT)
    assert listing.returncode == 0 and "segment" in listing.stdout and "total" in listing.stdout
    assert subprocess.run([*run, "verify", str(path)], capture_output=True, cwd=ROOT).returncode == 0
    refused = subprocess.run([*run, "gc"], capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 2 and "needs the screenplays" in refused.stderr
    # an edit leaves the old shot's entries unreferenced: with no grace, gc removes them and only them
    path.write_text(SMALL.replace("{card: END}", "{card: FIN}"))
    build_film(plan_film(load_screenplay(path)), path.parent / "out")
    cache = Cache(path.parent / ".filmmaker" / "cache")
    count = sum(1 for _ in cache.entries())
    gc = subprocess.run([*run, "gc", str(path), "--grace", "0s"], capture_output=True, text=True, cwd=ROOT)
    assert gc.returncode == 0, gc.stderr
    assert 0 < count - sum(1 for _ in cache.entries()) < count
    report = build_film(plan_film(load_screenplay(path)), path.parent / "out")
    assert report.built == {}  # everything the film needs survived
    damaged = next((cache.root / "segment").rglob("*.mp4"))
    damaged.write_bytes(b"\0" * damaged.stat().st_size)
    verify = subprocess.run([*run, "verify", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert verify.returncode == 1 and "1 damaged" in verify.stdout


def test_an_audition_tiles_each_candidate_in_sync_with_labels(built_copy):
    import av

    from filmmaker.audition import audition

    sp = load_screenplay(built_copy)
    report = audition(sp, "FLIGHT", ["lav", "eileen", "june"], built_copy.parent / "out")
    assert report.shots == sorted(flight_shots(built_copy), key=[s.id for sc in sp.scenes for s in sc.shots].index)
    takes = report.builds
    per_shot = [max(t.timing.frames[i] for t in takes) for i in range(len(report.shots))]
    fps = takes[0].timing.fps
    assert report.seconds == pytest.approx(sum(per_shot) / fps)
    with av.open(str(report.reel)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == sum(per_shot)
    height, width = frames[0].shape[:2]
    w, h = width // 2, height // 2  # three candidates: a 2x2 grid of preview frames
    assert (w, h) == (640, 360)
    # the red slate marks whose audio plays: shot by shot, each candidate in turn
    starts = np.cumsum([0, *per_shot])
    for shot, actor in enumerate(report.heard):
        frame = frames[starts[shot] + 2]
        tile = ["lav", "eileen", "june"].index(actor)
        x, y = (tile % 2) * w, (tile // 2) * h
        strip = frame[y + h - 8, x + 4:x + 40].astype(int)
        assert strip[:, 0].mean() > 150 and strip[:, 1].mean() < 90, f"shot {shot}: {actor}'s slate is not lit"
        assert frame[h - 8, (1 - tile % 2) * w + 4:(1 - tile % 2) * w + 40, 0].mean() < 60 or tile // 2 == 1
    assert frames[5][h:, w:].mean() < 2  # the fourth tile is empty (black, but for codec noise)
    assert report.contact_sheet.is_file()
    from PIL import Image

    assert Image.open(report.contact_sheet).size[0] > 3 * 320
    assert not list((built_copy.parent / "out").glob(".audition-*"))  # the takes' scratch folder is gone


def test_an_audition_refuses_strangers_and_roles_not_in_the_shots(built_copy):
    from filmmaker.audition import audition
    from filmmaker.errors import FilmmakerError

    sp = load_screenplay(built_copy)
    for args, message in ((("FLIGHT", ["lav"]), "give 2 to 4 actors"), (("FLIGHT", ["lav", "nobody"]), "no actor"),
                          (("PILOT", ["lav", "june"]), "no role")):
        with pytest.raises(FilmmakerError, match=message):
            audition(sp, *args, built_copy.parent / "out")
    with pytest.raises(FilmmakerError, match="not in any of the chosen shots"):
        audition(sp, "FLIGHT", ["lav", "june"], built_copy.parent / "out", shots=["title"])
    assert not list((built_copy.parent / "out").glob("*audition*"))


def test_audition_cli_reports_the_reel(built_copy):
    result = subprocess.run([sys.executable, "-m", "filmmaker", "audition", str(built_copy), "FLIGHT",
                             "--actors", "lav,june", "--scene", "pad", "--audio", "june"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "2 takes of 1 shots" in result.stdout and "rocket june" in result.stdout


def test_gc_after_a_picture_only_change_keeps_what_the_cue_sheet_reads(tmp_path):
    """A rebuild that reuses the mix reads the cues only for the cue sheet; they must stay in use."""
    path = small_project(tmp_path / "p")
    path.write_text(SMALL + "score:\n  - {from: s1, to: s3, mood: calm}\n")
    build_film(plan_film(load_screenplay(path)), path.parent / "out")
    path.write_text(path.read_text().replace("{card: END}", "{card: FIN}"))  # new picture, same sound
    report = build_film(plan_film(load_screenplay(path)), path.parent / "out")
    assert report.reused["mix"] == ["mix"]
    gc = subprocess.run([sys.executable, "-m", "filmmaker", "cache", "gc", str(path), "--grace", "0s"],
                        capture_output=True, text=True, cwd=ROOT)
    assert gc.returncode == 0, gc.stderr
    assert build_film(plan_film(load_screenplay(path)), path.parent / "out").built == {}
