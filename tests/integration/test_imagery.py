"""Generated pictures: a tiny random diffusers pipeline, saved and loaded like a user's model,
pictures every `prompt` shot through the real build."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("diffusers")

from filmmaker.build import build_film  # noqa: E402
from filmmaker.errors import ScreenplayError  # noqa: E402
from filmmaker.plan import plan_film  # noqa: E402
from filmmaker.render.picture import load_still  # noqa: E402
from filmmaker.screenplay import load_screenplay  # noqa: E402
from tests.diffusion_model import build_tiny_pipeline  # noqa: E402

SCREENPLAY = """\
title: Harbour
format: {{width: 160, height: 90, fps: 24}}
imagery:
  model: {model}
  steps: 2
  style: {style}
  seed: {seed}
{extra}
actors:
  ann: {{voice: {{engine: espeak}}, look: a woman with short grey hair}}
cast: {{ANN: ann}}
scenes:
  - heading: EXT. HARBOUR - DAWN
    shots:
      - id: boats
        picture: {{prompt: fishing boats in fog}}
        duration: 1
      - id: pier
        picture: {{prompt: {pier}}}
        lines: [{{speaker: ANN, text: Hello.}}]
      - id: end
        picture: {{card: THE END}}
        duration: 1
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("diffusion") / "tiny-sd")


def write_film(folder: Path, model: str, style: str = "oil painting", seed: int = 7, extra: str = "",
               pier: str = "a woman on the pier") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "film.yaml"
    path.write_text(SCREENPLAY.format(model=model, style=style, seed=seed, extra=textwrap.indent(extra, "  "),
                                      pier=pier))
    return path


def build(path: Path):
    plan = plan_film(load_screenplay(path))
    return build_film(plan, path.parent / "out")


def images(path: Path, seed: int | None = None) -> dict[str, bytes]:
    """The generated pictures in a project's cache by the shot's own words (from their records),
    those made with `seed` when one is given."""
    import json

    out = {}
    for record in (path.parent / ".filmmaker" / "cache" / "image").rglob("*.record.json"):
        meta = json.loads(record.read_text())
        if seed is None or meta["seed"] == seed:
            png = record.with_name(record.name.replace(".record.json", ".png"))
            out[meta["prompt"].split(",")[0]] = png.read_bytes()
    return out


def test_prompt_shots_are_generated_at_native_size_and_pictured_in_the_cut(tiny_model, tmp_path):
    path = write_film(tmp_path / "a", str(tiny_model))
    report = build(path)
    assert sorted(report.built["image"]) == ["boats", "pier"]
    generated = images(path)
    assert set(generated) == {"fishing boats in fog", "a woman on the pier"}
    import io

    from PIL import Image

    for png in generated.values():
        assert Image.open(io.BytesIO(png)).size == (64, 64)  # the tiny model's native size
    # the composed prompt carries the actor's look, the place and time, and the style
    import json

    metas = [json.loads(r.read_text()) for r in (path.parent / ".filmmaker/cache/image").rglob("*.record.json")]
    pier = next(m for m in metas if m["prompt"].startswith("a woman on the pier"))
    assert pier["prompt"] == ("a woman on the pier, a woman with short grey hair, exterior, harbour, dawn, "
                              "oil painting")
    import av

    with av.open(str(report.film)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert frame.shape == (90, 160, 3) and frame.std() > 1  # a picture, not a blank frame


def test_same_seed_same_bytes_other_seed_differs(tiny_model, tmp_path):
    first = images(_built(write_film(tmp_path / "one", str(tiny_model))))
    again = images(_built(write_film(tmp_path / "two", str(tiny_model))))
    other = images(_built(write_film(tmp_path / "three", str(tiny_model), seed=8)))
    assert first == again
    assert all(first[prompt] != other[prompt] for prompt in first)


def _built(path: Path) -> Path:
    build(path)
    return path


def test_changing_the_style_regenerates_every_prompt_shot_and_nothing_else(tiny_model, tmp_path):
    path = write_film(tmp_path / "film", str(tiny_model))
    build(path)
    write_film(tmp_path / "film", str(tiny_model), style="charcoal sketch")
    report = build(path)
    assert sorted(report.built["image"]) == ["boats", "pier"]
    assert sorted(report.built["picture"]) == ["boats", "pier"]
    assert report.reused["picture"] == ["end"] and "line" not in report.built
    assert build(path).built == {}  # and once made, nothing more


def test_a_shot_can_fix_its_own_seed(tiny_model, tmp_path):
    path = write_film(tmp_path / "film", str(tiny_model))
    build(path)
    before = images(path)["fishing boats in fog"]
    text = path.read_text().replace("{prompt: fishing boats in fog}", "{prompt: fishing boats in fog, seed: 99}")
    path.write_text(text)
    report = build(path)
    assert report.built["image"] == ["boats"]
    assert images(path, seed=99)["fishing boats in fog"] != before


def test_letterbox_keeps_the_whole_generated_picture(tiny_model, tmp_path):
    path = write_film(tmp_path / "film", str(tiny_model), extra="size: 64x96\nfit: letterbox")
    report = build(path)
    plan = plan_film(load_screenplay(path))
    from filmmaker.build import prepare

    work, film = prepare(plan)
    boats = plan.shots[0]
    picture = load_still(work.cache.path("picture", film.graph.get("picture", boats.id).key, ".png"))
    assert abs(picture.shape[1] / picture.shape[0] - 160 / 90) < 0.01  # the frame's shape
    assert picture.shape[0] == 96  # the generated height, whole
    bars = picture[:, : (picture.shape[1] - 64) // 2]
    assert bars.max() == 0  # black bars either side
    assert report.film.is_file()


def test_a_model_from_the_hugging_face_cache_by_id(tiny_model, tmp_path, monkeypatch):
    """`model: org/name` is looked up in the local Hub cache, never downloaded."""
    hub = tmp_path / "hub"
    snapshot = hub / "models--tiny-org--tiny-sd" / "snapshots" / "0123abcd"
    shutil.copytree(tiny_model, snapshot)
    (hub / "models--tiny-org--tiny-sd" / "refs").mkdir()
    (hub / "models--tiny-org--tiny-sd" / "refs" / "main").write_text("0123abcd")
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))
    report = build(write_film(tmp_path / "film", "tiny-org/tiny-sd"))
    assert sorted(report.built["image"]) == ["boats", "pier"]


def test_a_prompt_past_the_text_encoder_is_cut_with_a_warning_naming_the_shot(tiny_model, tmp_path):
    long_prompt = "a woman on the pier " + "under a long grey sky " * 6  # one token per character here
    path = write_film(tmp_path / "film", str(tiny_model), pier=long_prompt.strip())
    report = build(path)
    warnings = [w for w in report.warnings if "tokens longer than the text encoder reads" in w]
    assert len(warnings) == 1 and "'pier'" in warnings[0]
    assert warnings == [w for w in build(path).warnings if "tokens longer" in w]  # said again when cached


@pytest.mark.parametrize("problem", ["missing", "wrong-pipeline", "not-diffusers"])
def test_a_model_that_will_not_do_fails_before_any_work_naming_the_field(tiny_model, tmp_path, problem):
    model = tmp_path / "model"
    if problem == "wrong-pipeline":
        shutil.copytree(tiny_model, model)
        index = model / "model_index.json"
        index.write_text(index.read_text().replace("StableDiffusionPipeline", "StableVideoDiffusionPipeline"))
    elif problem == "not-diffusers":
        model.mkdir()
        (model / "weights.bin").write_bytes(b"\0" * 16)
    path = write_film(tmp_path / "film", str(model))
    with pytest.raises(ScreenplayError) as caught:
        build(path)
    text = str(caught.value)
    assert "imagery.model" in text and str(path) in text and ":4:" in text  # file, line, field
    expected = {"missing": "huggingface-cli download", "wrong-pipeline": "StableVideoDiffusionPipeline",
                "not-diffusers": "no model_index.json"}[problem]
    assert expected in text
    assert not (path.parent / "out").exists()


def test_without_a_model_prompt_shots_stay_storyboard_panels(tmp_path):
    path = tmp_path / "film.yaml"
    path.write_text(SCREENPLAY.format(model="x", style="s", seed=1, extra="", pier="p").replace(
        "imagery:\n  model: x\n", "imagery:\n"))
    report = build(path)
    assert "image" not in report.built and sorted(report.built["picture"]) == ["boats", "end", "pier"]
    assert np.asarray(load_still(next((path.parent / ".filmmaker/cache/picture").rglob("*.png")))).size


def test_faces_on_a_generated_picture_go_through_the_swap_and_a_recast_does_not_regenerate(tiny_model, tmp_path):
    """The random model draws no face, so the swap finds none and says so; a recast to an actor of
    the same look re-swaps the cached image without generating it again."""
    from filmmaker.build import build_film

    root = Path(__file__).resolve().parents[2]
    folder = tmp_path / "film"
    folder.mkdir()
    for name in ("eileen.jpg", "lav.jpg"):
        shutil.copy(root / "assets" / "examples" / "media" / "faces" / name, folder / name)
    path = write_film(folder, str(tiny_model))
    text = path.read_text().replace(
        "ann: {voice: {engine: espeak}, look: a woman with short grey hair}",
        "ann: {voice: {engine: espeak}, look: a woman with short grey hair, face: eileen.jpg}\n"
        "  cy: {voice: {engine: espeak}, look: a woman with short grey hair, face: lav.jpg}")
    text = text.replace("picture: {prompt: a woman on the pier}", "picture: {prompt: a woman on the pier}\n"
                        "        faces: {ANN: auto}")
    path.write_text(text)
    report = build(path)
    assert any("no face found for ANN" in w for w in report.warnings), report.warnings
    plan = plan_film(load_screenplay(path), cast={"ANN": "cy"})
    recast = build_film(plan, folder / "out")
    assert recast.built.get("picture") == ["pier"] and "image" not in recast.built


@pytest.fixture(scope="module")
def tiny_video_model(tmp_path_factory) -> Path:
    from tests.diffusion_model import build_tiny_video_pipeline

    return build_tiny_video_pipeline(tmp_path_factory.mktemp("svd") / "tiny-svd")


MOTION = "motion_model: {video}\nmotion_frames: 4\nmotion_steps: 2\nmotion_size: 128x64"


def test_motion_generate_animates_the_picture_over_the_shot(tiny_model, tiny_video_model, tmp_path):
    import av

    path = write_film(tmp_path / "film", str(tiny_model), extra=MOTION.format(video=tiny_video_model))
    path.write_text(path.read_text().replace("{prompt: fishing boats in fog}",
                                             "{prompt: fishing boats in fog, motion: generate}"))
    report = build(path)
    assert report.built["motion"] == ["boats"]
    with av.open(str(report.film)) as container:
        frames = [f.to_ndarray(format="rgb24").astype(int) for _, f in zip(range(24), container.decode(video=0))]
    changes = [np.abs(a - b).mean() for a, b in zip(frames, frames[1:])]
    assert sum(c > 1 for c in changes) == 3  # four generated frames spread over the static shot: three changes
    # a still pictured the same way without motion does not change at all
    path.write_text(path.read_text().replace(", motion: generate}", "}"))
    with av.open(str(build(path).film)) as container:
        still = [f.to_ndarray(format="rgb24").astype(int) for _, f in zip(range(24), container.decode(video=0))]
    assert max(np.abs(a - b).mean() for a, b in zip(still, still[1:])) < 0.5


def test_motion_without_a_motion_model_falls_back_to_the_camera_with_a_warning(tiny_model, tmp_path):
    path = write_film(tmp_path / "film", str(tiny_model))
    path.write_text(path.read_text().replace("{prompt: fishing boats in fog}",
                                             "{prompt: fishing boats in fog, motion: generate}"))
    report = build(path)
    assert "motion" not in report.built
    assert any("needs an `imagery.motion_model`" in w and "'boats'" in w for w in report.warnings)


def test_a_text_to_image_model_is_refused_as_the_motion_model(tiny_model, tmp_path):
    path = write_film(tmp_path / "film", str(tiny_model), extra=MOTION.format(video=tiny_model))
    path.write_text(path.read_text().replace("{prompt: fishing boats in fog}",
                                             "{prompt: fishing boats in fog, motion: generate}"))
    with pytest.raises(ScreenplayError, match="imagery.motion_model: .*does not animate a picture"):
        build(path)
