"""Inputs shipped by content: every path a build's spec names, with its sidecars, lands in a
worker's store under its hash, and the spec is rewritten to point there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from filmmaker.cache import file_sha256
from filmmaker.executors import shipping


@dataclass(frozen=True)
class Inner:
    voice: str
    face: Path


@dataclass(frozen=True)
class Spec:
    state: Path
    inner: Inner
    shots: tuple
    named: dict


@pytest.fixture
def project(tmp_path):
    media = tmp_path / "project" / "media"
    (media / "model").mkdir(parents=True)
    (media / "voice.onnx").write_bytes(b"onnx weights")
    (media / "voice.onnx.json").write_text('{"sample_rate": 22050}')  # read beside the model
    (media / "face.jpg").write_bytes(b"\xff\xd8 a face")
    (media / "model" / "unet.bin").write_bytes(b"unet")
    (media / "model" / "config.json").write_text("{}")
    state = tmp_path / "project" / ".filmmaker"
    (state / "cache").mkdir(parents=True)
    spec = Spec(state, Inner(str(media / "voice.onnx"), media / "face.jpg"),
                ({"still": media / "face.jpg"}, "not a path"), {"model": media / "model", "gone": media / "gone.png"})
    return spec, media


def test_every_named_input_and_its_sidecars_are_bundled_by_content(project):
    spec, media = project
    bundles, files = shipping.inputs_of(spec, file_sha256, skip=(spec.state,))
    assert set(bundles) == {str(media / "voice.onnx"), str(media / "face.jpg"), str(media / "model")}
    voice = bundles[str(media / "voice.onnx")]
    assert [name for name, _ in voice.files] == ["voice.onnx", "voice.onnx.json"]
    model = bundles[str(media / "model")]
    assert sorted(name for name, _ in model.files) == ["model/config.json", "model/unet.bin"]
    assert set(files) == {digest for b in bundles.values() for _, digest in b.files}


def test_a_worker_materializes_the_bundles_and_the_spec_points_there(project, tmp_path):
    spec, media = project
    bundles, files = shipping.inputs_of(spec, file_sha256, skip=(spec.state,))
    store = tmp_path / "worker" / "inputs"
    fetched = []

    def fetch(digest):
        fetched.append(digest)
        return files[digest].read_bytes()

    where = {path: shipping.materialize(bundle, store, fetch) for path, bundle in bundles.items()}
    local = shipping.translate(spec, where)
    assert local.state == spec.state  # not an input
    assert isinstance(local.inner.voice, str) and Path(local.inner.voice).read_bytes() == b"onnx weights"
    assert Path(local.inner.voice).with_name("voice.onnx.json").is_file()  # the sidecar came along
    assert local.inner.face.read_bytes() == b"\xff\xd8 a face" and store in local.inner.face.parents
    assert local.shots[0]["still"] == local.inner.face and local.shots[1] == "not a path"
    assert (local.named["model"] / "unet.bin").read_bytes() == b"unet"
    assert local.named["gone"] == media / "gone.png"  # a path to nothing is left alone
    count = len(fetched)
    for bundle in bundles.values():  # a second build finds everything in place: nothing fetched
        shipping.materialize(bundle, store, fetch)
    assert len(fetched) == count and all(shipping.missing(b, store) == [] for b in bundles.values())


def test_damaged_input_is_refused_and_nothing_is_left_under_its_name(project, tmp_path):
    spec, media = project
    bundles, _ = shipping.inputs_of(spec, file_sha256, skip=(spec.state,))
    bundle = bundles[str(media / "face.jpg")]
    store = tmp_path / "worker"
    with pytest.raises(OSError, match="arrived damaged"):
        shipping.materialize(bundle, store, lambda digest: b"something else")
    assert not (store / bundle.digest / "face.jpg").exists()
