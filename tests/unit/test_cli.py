"""The `filmmaker` command as a user runs it: exit codes, messages, files left behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filmmaker.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_validate_accepts_the_example(example):
    result = run("validate", example)
    assert result.returncode == 0, result.stderr
    assert "2 scenes, 9 shots" in result.stdout


def test_validate_lists_every_problem_with_position_and_exits_2(example):
    text = example.read_text()
    text = text.replace("speaker: FLIGHT\n            text: Twelve", "speaker: FLIHGT\n            text: Twelve")
    text = text.replace("camera: pan-right", "camera: pan-rihgt")
    example.write_text(text)
    result = run("validate", example)
    assert result.returncode == 2
    lines = [l for l in result.stderr.splitlines() if l.startswith(str(example))]
    assert len(lines) == 2, result.stderr
    assert "scenes[0].shots[1].lines[0].speaker: unknown role 'FLIHGT' (did you mean 'FLIGHT'?)" in result.stderr
    assert "scenes[0].shots[3].camera: 'pan-rihgt' is not one of" in result.stderr
    assert "2 problems; nothing was built." in result.stderr


def test_build_of_an_invalid_screenplay_writes_nothing(example):
    example.write_text(example.read_text().replace("media/rocket.jpg", "media/rockt.jpg"))
    result = run("build", example, "--preview")
    assert result.returncode == 2
    assert "file not found: 'media/rockt.jpg'" in result.stderr and "did you mean 'rocket.jpg'" in result.stderr
    assert not (example.parent / "out").exists()


def test_unreadable_footage_fails_at_resolve_naming_the_shot(example):
    (example.parent / "media" / "footage" / "broken.mp4").write_bytes(b"not a video at all")
    example.write_text(example.read_text().replace("{footage: media/footage/deep-field.mp4, in: 1.0}",
                                                   "{footage: media/footage/broken.mp4, in: 1.0}"))
    result = run("build", example, "--preview")
    assert result.returncode == 2
    assert "scenes[1].shots[2].picture" in result.stderr and "not a readable video" in result.stderr
    assert not (example.parent / "out").exists()


def test_bad_cast_override_is_refused(example):
    result = run("build", example, "--cast", "FLIGHT=nobody")
    assert result.returncode == 2 and "no actor 'nobody'" in result.stderr
    result = run("plan", example, "--cast", "FLIGHT")
    assert result.returncode == 2 and "ROLE=ACTOR" in result.stderr


def test_plan_shows_work_then_nothing_to_do(built_copy, example):
    fresh = run("plan", example, "--preview")
    assert fresh.returncode == 0, fresh.stderr
    assert "to build: 8 lines, 9 shot segments" in fresh.stdout
    for shot_id in ("title", "deepfield", "commander", "console", "trend", "pad-card", "rocket", "sky", "end"):
        assert shot_id in fresh.stdout
    cached = run("plan", built_copy, "--preview")
    assert "nothing to do" in cached.stdout
    assert not (example.parent / ".filmmaker" / "cache" / "segment").exists()  # plan built nothing


def test_new_copies_the_example_and_refuses_a_non_empty_folder(tmp_path):
    target = tmp_path / "my-film"
    result = run("new", target)
    assert result.returncode == 0, result.stderr
    assert (target / "the-launch.yaml").is_file() and (target / "media" / "astronaut.jpg").is_file()
    assert run("validate", target / "the-launch.yaml").returncode == 0
    again = run("new", target)
    assert again.returncode == 2 and "not empty" in again.stderr


def test_validate_warns_once_about_a_parenthetical_it_cannot_perform(example):
    result = run("validate", example)
    assert result.returncode == 0
    assert result.stderr.count("parenthetical 'hesitant'") == 1


def test_voices_lists_engines_and_licences():
    result = run("voices")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for expected in ("piper", "en_US-joe-medium", "CC0", "espeak", "GPL-3.0", "coqui"):
        assert expected in text, expected


def test_say_writes_an_actors_line_by_role_and_refuses_strangers(example, tmp_path):
    import soundfile

    target = tmp_path / "flight.wav"
    result = run("say", "FLIGHT", "All stations report go.", "-s", example, "-o", target, "-p", "whispering")
    assert result.returncode == 0, result.stderr
    assert "voice of lav" in result.stdout and "-32.0 LUFS" in result.stdout
    audio, rate = soundfile.read(target)
    assert rate == 48_000 and 1.0 < len(audio) / rate < 4.0
    stranger = run("say", "NOBODY", "Hello.", "-s", example, "-o", tmp_path / "x.wav")
    assert stranger.returncode == 2 and "no actor or role 'NOBODY'" in stranger.stderr
    assert not (tmp_path / "x.wav").exists()


def test_say_finds_the_only_screenplay_in_the_folder(example):
    result = run("say", "eileen", "Go.", cwd=example.parent)
    assert result.returncode == 0, result.stderr
    assert (example.parent / "say-eileen.wav").is_file()
