"""Shared fixtures: copies of the example project, and one preview build of it per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"
SCREENPLAY = "the-launch.yaml"


def copy_example(dest: Path) -> Path:
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".filmmaker", "out"))
    return dest / SCREENPLAY


@pytest.fixture
def example(tmp_path) -> Path:
    """A fresh copy of the example project (no cache); returns its screenplay path."""
    return copy_example(tmp_path / "project")


@pytest.fixture(scope="session")
def built_example(tmp_path_factory):
    """The example built once at preview size: (screenplay path, report). Tests must not modify it."""
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    screenplay = copy_example(tmp_path_factory.mktemp("built") / "project")
    plan = plan_film(load_screenplay(screenplay), preview=True)
    report = build_film(plan, screenplay.parent / "out")
    return screenplay, plan, report


@pytest.fixture
def built_copy(built_example, tmp_path) -> Path:
    """A private copy of the built example, cache and outputs included, safe to edit."""
    screenplay = built_example[0]
    dest = tmp_path / "copy"
    shutil.copytree(screenplay.parent, dest)
    return dest / screenplay.name


@pytest.fixture(scope="session")
def tiny_musicgen(tmp_path_factory) -> Path:
    """A tiny random MusicGen saved to a folder, as a user's downloaded checkpoint would be."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from musicgen_model import build_tiny_musicgen  # tests/musicgen_model.py

    return build_tiny_musicgen(tmp_path_factory.mktemp("musicgen") / "tiny-musicgen")
