"""Face swap: the dlib engine on public-domain faces, in stills and in stand-in footage."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("dlib")

from filmmaker.backends.face import dlib_swap as engine  # noqa: E402
from filmmaker.errors import ResolveError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EILEEN = ROOT / "assets" / "examples" / "media" / "faces" / "eileen.jpg"


def _footage_script():
    spec = importlib.util.spec_from_file_location("make_face_footage", ROOT / "scripts" / "make_face_footage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stand_in_footage(tmp_path_factory):
    """3 s of the stand-in drifting, growing and tilting, with a second person on the left."""
    path = tmp_path_factory.mktemp("faces") / "stand-in.mp4"
    _footage_script().render(path, seconds=2.0, size=(960, 540), second_face=True)
    return path


def _frames(path: Path, count: int, size=(960, 540)) -> np.ndarray:
    from filmmaker.render.ffmpeg import ffmpeg_exe

    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-frames:v", str(count), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0], 3)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


# -- the actor's photo ------------------------------------------------------------------------------

def test_actor_photos_that_cannot_be_used_are_refused_naming_actor_and_file(tmp_path):
    from skimage import data

    rocket = tmp_path / "rocket.jpg"
    cv2.imwrite(str(rocket), data.rocket()[..., ::-1])
    with pytest.raises(ResolveError, match=rf"actor 'ada': no face found in {rocket}"):
        engine.load_actor_face(rocket, "ada")
    pair = tmp_path / "pair.jpg"
    eileen = cv2.imread(str(EILEEN))
    cv2.imwrite(str(pair), np.hstack([eileen, eileen]))
    with pytest.raises(ResolveError, match=r"2 faces found in .*pair.jpg; crop the photo"):
        engine.load_actor_face(pair, "ada")
    tiny = tmp_path / "tiny.jpg"
    cv2.imwrite(str(tiny), cv2.resize(eileen, None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA))
    with pytest.raises(ResolveError, match=r"the face in .*tiny.jpg is \d+ px wide"):
        engine.load_actor_face(tiny, "ada")
    notes = tmp_path / "notes.jpg"
    notes.write_text("not a photo")
    with pytest.raises(ResolveError, match=r"actor 'ada': .*notes.jpg is not an image"):
        engine.load_actor_face(notes, "ada")


# -- a still ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_points", [68, 5])
def test_a_swapped_still_moves_toward_the_actor_and_leaves_the_rest_alone(stand_in_footage, n_points):
    actor = engine.load_actor_face(EILEEN, "eileen")
    frame = _frames(stand_in_footage, 1)[0].copy()
    box = max(engine.detect(frame), key=lambda b: b[0])  # the stand-in, on the right
    points = engine.landmarks(frame, box, n_points)
    swapped = engine.swap_onto(frame, actor, points)
    before = np.linalg.norm(engine.embedding(frame, box) - actor.descriptor)
    after = np.linalg.norm(engine.embedding(swapped, box) - actor.descriptor)
    assert after < before - 0.05, f"distance to the actor {before:.3f} -> {after:.3f}"
    changed = np.abs(swapped.astype(int) - frame.astype(int)).max(axis=2) > 0
    region = engine.face_box(points)
    assert changed.any()
    ys, xs = np.nonzero(changed)  # every changed pixel lies in the face's neighbourhood
    pad = 0.6 * (region[2] - region[0])
    assert xs.min() >= region[0] - pad and xs.max() <= region[2] + pad
    assert ys.min() >= region[1] - pad and ys.max() <= region[3] + pad
    if n_points == 5:
        return
    mask = engine.face_mask(points, (frame.shape[1], frame.shape[0])) > 0.01
    outside = ~mask
    assert psnr(frame[outside], swapped[outside]) > 50  # outside the face mask: unchanged
    assert psnr(frame[mask], swapped[mask]) < 30  # inside it, the face did change


# -- footage -----------------------------------------------------------------------------------------

def _jitter(points: list) -> float:
    """Mean frame-to-frame acceleration of the landmarks (px): what a viewer sees as shimmer."""
    tracks = np.array([p for p in points if p is not None])
    return float(np.mean(np.abs(np.diff(tracks, n=2, axis=0)))) if len(tracks) > 2 else float("nan")


def test_smoothed_tracking_jitters_less_than_raw_landmarks(stand_in_footage):
    actor = engine.load_actor_face(EILEEN, "eileen")
    frames = _frames(stand_in_footage, 24)
    smooth = engine.FaceTrack(actor, 24.0, "right", smooth=True)
    raw = engine.FaceTrack(actor, 24.0, "right", smooth=False)
    for frame in frames:
        smooth(frame)
        raw(frame)
    assert smooth.stats.found >= 20 and raw.stats.found >= 20
    js, jr = _jitter(smooth.stats.points), _jitter(raw.stats.points)
    assert js < jr and js < 1.5, f"landmark jitter: smoothed {js:.3f} px, raw {jr:.3f} px"


def test_the_other_person_in_frame_is_left_alone(stand_in_footage):
    actor = engine.load_actor_face(EILEEN, "eileen")
    frames = _frames(stand_in_footage, 6)
    track = engine.FaceTrack(actor, 24.0, "right")
    left = (slice(120, 420), slice(40, 330))  # the second person, standing on the left
    for frame in frames:
        out = track(frame)
        assert np.array_equal(out[left], frame[left])


def test_a_film_swaps_the_role_reports_identity_and_rebuilds_only_that_on_recast(stand_in_footage, tmp_path):
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    (tmp_path / "stand-in.mp4").write_bytes(stand_in_footage.read_bytes())
    (tmp_path / "eileen.jpg").write_bytes(EILEEN.read_bytes())
    lav = ROOT / "assets" / "examples" / "media" / "faces" / "lav.jpg"
    (tmp_path / "lav.jpg").write_bytes(lav.read_bytes())
    (tmp_path / "film.yaml").write_text(textwrap.dedent("""\
        title: Recast
        format: {width: 480, height: 270, fps: 24}
        actors:
          eileen: {face: eileen.jpg, voice: {}}
          lav: {face: lav.jpg, voice: {pitch: -3}}
        cast: {HERO: eileen}
        scenes:
          - heading: EXT. CAFE - DAY
            shots:
              - id: swap
                picture: {footage: stand-in.mp4}
                faces: {HERO: right}
              - id: plain
                picture: {footage: stand-in.mp4}
              - id: nobody
                picture: {card: "No faces here"}
                duration: 1
        """))
    report = build_film(plan_film(load_screenplay(tmp_path / "film.yaml")), tmp_path / "out")
    to_actor, to_stand_in, found = report.identity["swap"]["HERO"]
    assert found > 0.8 and np.isfinite(to_actor) and np.isfinite(to_stand_in)
    recast = build_film(plan_film(load_screenplay(tmp_path / "film.yaml"), cast={"HERO": "lav"}), tmp_path / "out")
    assert recast.built["segment"] == ["swap"]
    # the end card that discloses the swapped face (issue 16) is unchanged by the recast too
    assert sorted(recast.reused["segment"]) == ["disclosure", "nobody", "plain"]


def test_a_shot_where_no_face_is_found_renders_unswapped_with_a_warning(tmp_path):
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    (tmp_path / "eileen.jpg").write_bytes(EILEEN.read_bytes())
    (tmp_path / "rocket.jpg").write_bytes((ROOT / "assets" / "examples" / "media" / "rocket.jpg").read_bytes())
    (tmp_path / "film.yaml").write_text(textwrap.dedent("""\
        title: Empty
        format: {width: 320, height: 180}
        actors: {eileen: {face: eileen.jpg, voice: {}}}
        cast: {HERO: eileen}
        scenes:
          - heading: EXT. PAD - DAY
            shots:
              - {id: pad, picture: {still: rocket.jpg}, faces: {HERO: auto}, duration: 1}
        """))
    report = build_film(plan_film(load_screenplay(tmp_path / "film.yaml")), tmp_path / "out")
    assert report.film.is_file()
    assert any("no face found for HERO" in w for w in report.warnings), report.warnings


def test_a_bad_actor_photo_stops_the_build_with_exit_2(tmp_path):
    (tmp_path / "face.jpg").write_text("not a photo")
    (tmp_path / "film.yaml").write_text(
        "title: Bad\nactors: {ada: {face: face.jpg, voice: {}}}\ncast: {ADA: ada}\nscenes:\n"
        "  - heading: INT. ROOM - DAY\n    shots:\n      - {picture: {prompt: a room}, faces: {ADA: auto}}\n")
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(tmp_path / "film.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "film.yaml:2:22: actors.ada.face: " in result.stderr and "face.jpg is not an image" in result.stderr


def test_a_lost_face_fades_out_and_back_in_never_freezing(stand_in_footage):
    actor = engine.load_actor_face(EILEEN, "eileen")
    frames = _frames(stand_in_footage, 20)
    blank = np.full_like(frames[0], 90)  # the stand-in walks out of frame, between detections
    track = engine.FaceTrack(actor, 24.0, "right")
    strengths, outputs = [], []
    sequence = list(frames[:10]) + [blank] * 8 + list(frames[10:20])
    for frame in sequence:
        outputs.append(track(frame))
        strengths.append(track.strength)
    assert strengths[9] == 1.0
    lost = strengths[10:18]
    assert all(a >= b for a, b in zip(lost, lost[1:])) and lost[-1] == 0.0  # fades out, monotonically
    assert 0 < lost[0] < 1  # at once, over several frames: not a cut, not a frozen patch
    assert all(np.array_equal(out, blank) for out in outputs[10 + 4:18])  # then nothing is drawn
    assert strengths[-1] == 1.0  # and back in when the face returns


def test_a_reference_photo_picks_its_stand_in_among_several(stand_in_footage, tmp_path):
    from filmmaker.backends.face import open_face_engine
    from filmmaker.graph.faces import FaceJob
    from filmmaker.render.faceswap import ShotSwapper

    reference = tmp_path / "stand-in.png"
    frame = _frames(stand_in_footage, 1)[0]
    right = max(engine.detect(frame), key=lambda b: b[0])
    left, top, rgt, bottom = right
    cv2.imwrite(str(reference), cv2.cvtColor(np.ascontiguousarray(frame[max(0, top - 60):bottom + 60,
                                                                         max(0, left - 60):rgt + 60]), cv2.COLOR_RGB2BGR))
    job = FaceJob("HERO", "eileen", EILEEN, "reference", reference)
    swapper = ShotSwapper(open_face_engine("dlib"), [job], {"eileen": engine.load_actor_face(EILEEN, "eileen")}, 24.0, 6)
    swapper(frame.copy())
    chosen = swapper.tracks[0].box
    assert abs((chosen[0] + chosen[2]) / 2 - (right[0] + right[2]) / 2) < 0.3 * (right[2] - right[0])


def test_face_engines_are_opened_by_name():
    from filmmaker.backends.face import open_face_engine

    dlib_engine = open_face_engine("dlib")
    assert dlib_engine.name == "dlib"
    actor = dlib_engine.load_actor_face(EILEEN, "eileen")
    assert dlib_engine.descriptor(actor).shape == (128,)
    with pytest.raises(ResolveError, match="unknown face engine 'onnx'; available: dlib"):
        open_face_engine("onnx")


def test_a_swap_for_an_actor_without_a_face_photo_is_a_positioned_problem(tmp_path):
    from filmmaker.build import build_film
    from filmmaker.errors import ScreenplayError
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    (tmp_path / "film.yaml").write_text(
        "title: Faceless\nactors: {ada: {voice: {}}}\ncast: {ADA: ada}\nscenes:\n"
        "  - heading: INT. ROOM - DAY\n    shots:\n      - picture: {prompt: a room}\n        faces: {ADA: auto}\n")
    with pytest.raises(ScreenplayError) as caught:
        build_film(plan_film(load_screenplay(tmp_path / "film.yaml")), tmp_path / "out")
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (8, "scenes[0].shots[0].faces")
    assert "actor 'ada' has no `face` photo" in problem.message
