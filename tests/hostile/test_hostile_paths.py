"""Media paths stay inside the project: every path a screenplay names for media (a still, footage,
a face, a voice sample, a music file, a song's priming clip or lyrics) must be a file inside the
screenplay's folder or a declared `music.library` folder, and nothing ffmpeg could read as a
protocol or an option. Each hostile path is refused by the real CLI at load: exit 2, its
position and field, the fix, no traceback, no wait on a FIFO or a device, nothing written."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import time
from pathlib import Path

import pytest
from hostile_kit import ROOT, cli, refused

EXAMPLE = ROOT / "assets" / "examples"
HANG = 10  # a refusal that takes this long is a hang: the command is killed and the case fails

# Fields of the example screenplay, each a text to replace (unique in it) and the field it is.
STILL = ("media/astronaut.jpg", "scenes[0].shots[2].picture.still")
FOOTAGE = ("{footage: media/footage/deep-field.mp4, in: 0.5", "scenes[0].shots[1].picture.footage")
FACE = ("media/faces/eileen.jpg", "actors.eileen.face")
CUE_FILE = ("mood: calm,", "score[0].file")
SAMPLE = ("{engine: espeak, model: en-us+f3, rate: 1.05}", "actors.june.voice.sample")
SONG = "{from: pad-card, to: end, mood: happy, track: happy_acoustic_1,"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the example project, with a real still and a real recording beside it (outside)."""
    monkeypatch.delenv("FILMMAKER_CACHE", raising=False)  # the cache is the project's own .filmmaker
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".filmmaker", "out"))
    (tmp_path / "outside").mkdir()
    shutil.copy(folder / "media" / "rocket.jpg", tmp_path / "outside" / "x.jpg")
    _wav(tmp_path / "outside" / "x.wav")
    (tmp_path / "outside" / "x.txt").write_text("We fly tonight\n")
    return folder


def _wav(path: Path) -> Path:
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16_000)
        w.writeframes(b"\0\0" * 16_000)
    return path


def screenplay(project: Path, where: tuple[str, str], value: str, extra: str = "") -> tuple[Path, str, int]:
    """The example with `value` at `where`: (its path, the field, the line the value is on)."""
    text = (EXAMPLE / "the-launch.yaml").read_text()
    target, field = where
    quoted = f"'{value}'"
    replacement = {
        FOOTAGE: f"{{footage: {quoted}, in: 0.5",
        CUE_FILE: f"file: {quoted},",
        SAMPLE: f"{{engine: coqui, sample: {quoted}}}",
    }.get(where, quoted)
    assert text.count(target) == 1
    text = text.replace(target, replacement) + extra
    path = project / "film.yaml"
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if quoted in row)
    return path, field, line


def song_screenplay(project: Path, needle: str, lyrics: str = "'We fly tonight'", more: str = "") -> tuple[Path, int]:
    """The example with its second cue made a song cue: (its path, the line `needle` is on)."""
    text = (EXAMPLE / "the-launch.yaml").read_text()
    cue = f"{{from: pad-card, to: end, song: {{engine: ace-step, style: synth-pop, lyrics: {lyrics}{more}}},"
    assert text.count(SONG) == 1
    text = text.replace(SONG, cue)
    path = project / "film.yaml"
    path.write_text(text)
    return path, next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


def refuse(project: Path, path: Path, field: str, line: int, *fragments: str, memory: int | None = None) -> None:
    """`filmmaker build` refuses at once with the problem at `line` in `field`, and writes nothing.

    "At once": the whole command (interpreter start, imports, load, refusal) takes about 0.15 s
    of CPU here. Wall time on a loaded CI machine measures the run queue as much as us, so the
    hard bound is on the child's CPU time (what a refusal costs, whatever else runs), and wall
    time must be under a second too unless the machine is busier than its cores; a wait on a
    FIFO or a device costs no CPU, and is caught by the HANG kill and the wall bound."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = cli("build", path, "--jobs", "1", seconds=HANG, memory=memory)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    refused(result, f"{path}:{line}:", f": {field}: ", *fragments)
    problem = next(row for row in result.stderr.splitlines() if f": {field}: " in row)
    assert problem.startswith(f"{path}:{line}:"), result  # file:line:col, on the field's own line
    assert "1 problem" in result.stderr, result
    assert cpu < 1.0, f"the refusal took {cpu:.2f} s of CPU"
    busy = os.getloadavg()[0] >= (os.cpu_count() or 1)
    assert wall < (HANG if busy else 1.0), f"the refusal took {wall:.2f} s"
    assert not (project / "out").exists() and not (project / ".filmmaker").exists()


def accept(path: Path) -> None:
    """`filmmaker validate` takes it (a build would render the whole film)."""
    result = cli("validate", path, seconds=HANG)
    assert result.code == 0, result


# -- ffmpeg protocols and options -----------------------------------------------------------------

@pytest.mark.seconds(20)
@pytest.mark.parametrize("where, value, scheme", [
    (FOOTAGE, "concat:a.mp4|b.mp4", "'concat'"),
    (STILL, "http://example.com/x.jpg", "'http'"),
    (FACE, "file:/etc/passwd", "'file'"),
    (CUE_FILE, "pipe:0", "'pipe'"),
    (STILL, "data:image/png;base64,iVBORw0KGgo=", "'data'"),
    (FOOTAGE, "tcp://127.0.0.1:9/x.mp4", "'tcp'"),
    (STILL, "subfile,,start,0,end,100,,:media/astronaut.jpg", "'subfile'"),
], ids=["concat", "http", "file", "pipe", "data", "tcp", "subfile"])
def test_a_url_or_ffmpeg_protocol_is_refused(project, where, value, scheme):
    path, field, line = screenplay(project, where, value)
    refuse(project, path, field, line, "URL or ffmpeg protocol", scheme, "copy it there")


@pytest.mark.seconds(20)
def test_an_option_for_ffmpeg_is_refused(project):
    path, field, line = screenplay(project, FOOTAGE, "-i x.mp4")
    refuse(project, path, field, line, "starts with '-'", "option", "'./-i x.mp4'")


# -- paths that lead out of the project ----------------------------------------------------------

@pytest.mark.seconds(20)
def test_a_real_file_above_the_project_is_refused(project):
    path, field, line = screenplay(project, STILL, "../outside/x.jpg")
    refuse(project, path, field, line, "outside the project", str(project.parent / "outside" / "x.jpg"),
           "copy it into the project folder")


@pytest.mark.seconds(20)
def test_an_absolute_path_outside_the_project_is_refused(project):
    path, field, line = screenplay(project, FACE, str(project.parent / "outside" / "x.jpg"))
    refuse(project, path, field, line, "outside the project", "copy it into the project folder")


@pytest.mark.seconds(20)
def test_a_link_inside_the_project_to_a_file_outside_is_refused(project):
    (project / "media" / "link.jpg").symlink_to(project.parent / "outside" / "x.jpg")
    path, field, line = screenplay(project, STILL, "media/link.jpg")
    refuse(project, path, field, line, "outside the project", "through the symbolic link 'media/link.jpg'",
           "replace the link with a copy of the file")


@pytest.mark.seconds(20)
def test_a_folder_linked_out_of_the_project_is_refused(project):
    (project / "shared").symlink_to(project.parent / "outside", target_is_directory=True)
    path, field, line = screenplay(project, CUE_FILE, "shared/x.wav")
    refuse(project, path, field, line, "through the symbolic link 'shared'", "add its folder to `music.library`")


@pytest.mark.seconds(20)
def test_a_song_s_priming_clip_outside_the_project_is_refused(project):
    path, line = song_screenplay(project, "continue:", more=", continue: ../outside/x.wav")
    refuse(project, path, "score[1].song.continue", line, "outside the project", "add its folder to `music.library`")


@pytest.mark.seconds(20)
def test_a_lyrics_file_outside_the_project_is_refused(project):
    path, line = song_screenplay(project, "x.txt", lyrics=str(project.parent / "outside" / "x.txt"))
    refuse(project, path, "score[1].song.lyrics", line, "outside the project")


@pytest.mark.seconds(20)
def test_dev_zero_is_refused_without_reading_it(project):
    path, field, line = screenplay(project, CUE_FILE, "/dev/zero")
    refuse(project, path, field, line, "outside the project", memory=2 << 30)


# -- files that are not files --------------------------------------------------------------------

@pytest.mark.seconds(20)
def test_a_fifo_in_the_project_is_refused_not_waited_on(project):
    os.mkfifo(project / "media" / "fifo.jpg")  # nobody writes to it: opening it would wait for ever
    path, field, line = screenplay(project, STILL, "media/fifo.jpg")
    refuse(project, path, field, line, "FIFO", "not a regular file")


@pytest.mark.seconds(20)
def test_a_socket_in_the_project_is_refused(project, monkeypatch):
    monkeypatch.chdir(project / "media")  # bound by a short relative name: a socket path has a length limit
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("voice.wav")
        path, field, line = screenplay(project, SAMPLE, "media/voice.wav")
        refuse(project, path, field, line, "socket", "not a regular file")
    finally:
        server.close()


@pytest.mark.seconds(20)
def test_a_folder_given_as_a_still_is_refused(project):
    (project / "media" / "shots.jpg").mkdir()
    path, field, line = screenplay(project, STILL, "media/shots.jpg")
    refuse(project, path, field, line, "is a folder", "not a regular file")


@pytest.mark.seconds(20)
def test_a_voice_sample_that_is_a_link_loop_is_refused(project):
    (project / "media" / "loop.wav").symlink_to("loop.wav")
    path, field, line = screenplay(project, SAMPLE, "media/loop.wav")
    refuse(project, path, field, line, "cannot be opened", "symbolic links")


# -- what stays allowed --------------------------------------------------------------------------

@pytest.mark.seconds(20)
def test_a_path_that_goes_out_and_back_in_is_accepted(project):
    from filmmaker.screenplay import load_screenplay

    path, _, _ = screenplay(project, STILL, "media/../media/astronaut.jpg")
    accept(path)
    shot = load_screenplay(path).scenes[0].shots[2]
    assert shot.picture.path == (project / "media" / "astronaut.jpg").resolve()  # what ffmpeg is given


@pytest.mark.seconds(20)
def test_a_music_file_in_a_declared_library_folder_outside_the_project_is_accepted(project):
    path, _, _ = screenplay(project, CUE_FILE, "../outside/x.wav", extra="music: {library: ../outside}\n")
    accept(path)


@pytest.mark.seconds(20)
def test_a_file_named_with_a_colon_is_accepted_written_as_a_path(project):
    shutil.copy(project / "media" / "astronaut.jpg", project / "media" / "take:1.jpg")
    path, _, _ = screenplay(project, STILL, "./media/take:1.jpg")
    accept(path)


@pytest.mark.seconds(20)
def test_every_hostile_path_in_one_screenplay_is_reported_at_once(project):
    path, _, _ = screenplay(project, STILL, "../outside/x.jpg")
    text = path.read_text().replace("media/faces/eileen.jpg", "'pipe:0'").replace(
        "media/footage/deep-field.mp4, in: 0.5", "'-i x.mp4', in: 0.5")
    path.write_text(text)
    result = cli("build", path, seconds=HANG)
    refused(result, "3 problems", "actors.eileen.face", "scenes[0].shots[1].picture.footage",
            "scenes[0].shots[2].picture.still")
    assert not (project / "out").exists() and not (project / ".filmmaker").exists()
