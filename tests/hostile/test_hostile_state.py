"""Odd states of a project's own files: the state folder or a cache folder replaced by a file, a
record or an artifact deleted, a film damaged in place with its size and time put back, part
files left by a killed build. None may crash a command, be served stale, or be left for ever."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from hostile_kit import CARD_SHOT, ROOT, cli, refused, write_project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A tiny project built once; each case works on its own copy."""
    folder = tmp_path_factory.mktemp("built") / "p"
    path = write_project(folder, CARD_SHOT)
    result = cli("build", path, "--jobs", "1")
    assert result.code == 0, result
    return folder


@pytest.fixture
def project(built, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(built, folder, symlinks=True)
    return folder


def test_a_state_folder_that_is_a_file_is_refused_and_kept(tmp_path):
    path = write_project(tmp_path, CARD_SHOT)
    (tmp_path / ".filmmaker").write_text("my notes\n")
    for command in (["build", path, "--jobs", "1"], ["cache", "verify", tmp_path], ["cache", "ls", tmp_path]):
        refused(cli(*command), str(tmp_path / ".filmmaker"), "is a file")
    assert (tmp_path / ".filmmaker").read_text() == "my notes\n"  # the user's file, untouched
    assert not (tmp_path / "out").exists()


def test_cache_folders_replaced_by_files_are_set_aside_and_rebuilt(project):
    cache = project / ".filmmaker" / "cache"
    film = (project / "out" / "hostile.mp4").read_bytes()
    shutil.rmtree(cache / "segment")
    (cache / "segment").write_text("not a folder")  # a kind's folder
    shard = next((cache / "picture").iterdir())
    shutil.rmtree(shard)
    shard.write_text("not a folder either")  # a shard's folder
    verify = cli("cache", "verify", project)
    assert verify.code == 1 and "Traceback" not in verify.stderr, verify
    assert "a folder of the cache" in verify.stderr, verify
    (project / "out" / "hostile.mp4").unlink()
    result = cli("build", project / "film.yaml", "--jobs", "1")
    assert result.code == 0, result
    assert (project / "out" / "hostile.mp4").read_bytes() == film
    assert cli("cache", "verify", project).code == 0


def test_cache_verify_reports_a_deleted_record_and_a_deleted_artifact(project):
    cache = project / ".filmmaker" / "cache"
    picture = next((cache / "picture").glob("*/*.record.json"))
    picture.unlink()  # its artifact stays, vouched for by nothing
    artifact = next(p for p in (cache / "segment").glob("*/*") if not p.name.endswith(".record.json"))
    artifact.unlink()  # its record stays, vouching for nothing
    orphan = next(p for p in (cache / "picture").glob("*/*") if p.suffix == ".png")
    os.utime(orphan, (orphan.stat().st_atime - 600, orphan.stat().st_mtime - 600))  # not a write in progress
    result = cli("cache", "verify", project)
    assert result.code == 1, result
    assert "2 damaged" in result.stdout, result
    assert "artifact is gone" in result.stderr and "record is gone" in result.stderr, result
    assert cli("cache", "verify", project).code == 0  # reported once, set right


def test_cache_verify_of_a_path_that_does_not_exist_is_refused(project):
    refused(cli("cache", "verify", project / "flim.yaml"), "flim.yaml", "no such")
    refused(cli("cache", "ls", project / "nowhere"), "nowhere", "no such")


def test_a_film_damaged_in_place_with_its_size_and_time_kept_is_replaced(project):
    assert cli("build", project / "film.yaml", "--jobs", "1").code == 0  # the copy's files, stamped where they are
    film = project / "out" / "hostile.mp4"
    good = film.read_bytes()
    before = film.stat()
    with open(film, "r+b") as fh:  # flip bytes in the middle, keep the size
        fh.seek(len(good) // 2)
        fh.write(bytes(b ^ 0xFF for b in good[len(good) // 2:len(good) // 2 + 64]))
    os.utime(film, ns=(before.st_atime_ns, before.st_mtime_ns))  # and put its time back
    result = cli("build", project / "film.yaml", "--jobs", "1")
    assert result.code == 0, result
    assert film.read_bytes() == good


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from filmmaker.cache import atomic_path
with atomic_path(Path(sys.argv[1])) as tmp:
    tmp.write_bytes(b"half a film")
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9 mid-write: no clean-up runs
"""


def test_part_files_left_by_a_killed_build_are_removed_by_the_next(project):
    cache = project / ".filmmaker" / "cache"
    segment = next(p for p in (cache / "segment").glob("*/*") if p.suffix == ".mp4")
    for final in (project / "out" / "hostile.mp4", project / "out" / "media" / "A1.mp4", segment):
        killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(final)], cwd=ROOT, timeout=30)
        assert killed.returncode == -9
    leftovers = [p for p in project.rglob(".*.part*")]
    assert len(leftovers) == 3
    result = cli("build", project / "film.yaml", "--jobs", "1")
    assert result.code == 0, result
    assert [p for p in project.rglob(".*.part*")] == []


@pytest.mark.parametrize("what", ["cache", "manifests", "file-hashes.json"])
def test_a_state_file_or_folder_of_the_wrong_kind_is_refused_before_any_work(project, what):
    state = project / ".filmmaker" / what
    shutil.rmtree(state) if state.is_dir() else state.unlink()
    state.mkdir() if what.endswith(".json") else state.write_text("in the way\n")
    (project / "out" / "hostile.mp4").unlink()
    refused(cli("build", project / "film.yaml", "--jobs", "1"), str(state))
    assert not (project / "out" / "hostile.mp4").exists()
