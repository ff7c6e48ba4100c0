"""Writers' scripts: a Fountain script and the same script as Final Draft import to one screenplay,
that screenplay builds, exports hand the script back, and shot ids survive edits of the script.

Regenerate the import's golden file after an intended change with
    FILMMAKER_REGEN_GOLDEN=1 python -m pytest tests/integration/test_scripts.py -k golden
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from filmmaker.build import build_film
from filmmaker.plan import plan_film
from filmmaker.screenplay import load_screenplay, parse_screenplay
from filmmaker.script.fdx import write_fdx
from filmmaker.script.fountain import parse_fountain, write_fountain
from filmmaker.script.handback import script_of
from filmmaker.script.read import read_script
from filmmaker.script.sidecar import load_script_screenplay
from filmmaker.script.writeout import screenplay_yaml

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
FOUNTAIN = SCRIPTS / "night-shift.fountain"
FDX = SCRIPTS / "night-shift.fdx"
GOLDEN = SCRIPTS / "night-shift.yaml"


def run(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filmmaker.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def body(yaml_text: str) -> str:
    """The screenplay without its comments (the header names the file; sections are comments)."""
    return "\n".join(line for line in yaml_text.splitlines() if not line.lstrip().startswith("#"))


def same_film(a, b) -> bool:
    return replace(a, path=Path("/x")) == replace(b, path=Path("/x"))


def test_import_matches_the_golden_file():
    text, _ = screenplay_yaml(FOUNTAIN)
    if os.environ.get("FILMMAKER_REGEN_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_fountain_and_final_draft_import_to_the_same_screenplay():
    fountain, fdx = screenplay_yaml(FOUNTAIN)[0], screenplay_yaml(FDX)[0]
    assert body(fountain) == body(fdx)
    sp = parse_screenplay(fountain, SCRIPTS / "night-shift.yaml")
    assert [s.heading for s in sp.scenes] == ["INT. KITCHEN - NIGHT", "EXT. ROOF - NIGHT", "THE LAUNCH PAD"]
    assert [s.number for s in sp.scenes] == ["1", "2", None]
    shots = [shot for _, shot in sp.shots()]
    assert [shot.id for shot in shots] == ["kitchen-night.mara-pours", "kitchen-night.jonas-steps",
                                          "roof-night.wind-city", "launch-pad.floodlights", "launch-pad.end"]
    assert set(sp.cast) == {"MARA", "JONAS", "NARRATOR", "CHORUS"}
    lines = [line for shot in shots for line in shot.lines]
    assert [(line.speaker, line.text) for line in lines][:3] == [
        ("MARA", "Are you still up?"), ("JONAS", "Always."), ("MARA", "Is that from the base?")]
    assert [line.parenthetical for line in lines if line.parenthetical] == ["softly", "beat"]
    assert [line.extension for line in lines if line.extension] == ["(O.S.)", "(CONT'D)", "(V.O.)"]
    assert [line.narration for line in lines].count(True) == 1
    assert [(line.speaker, line.text) for line in lines if line.overlap] == [("MARA", "Now.")]
    assert [line.text for line in lines if line.sung] == ["Fly me over the water", "Carry me home",
                                                          "And the night sang back"]
    assert [(shot.transition.kind, shot.transition.label) for shot in shots] == [
        ("fade", None), ("cut", None), ("cut", "CUT TO:"), ("crossfade", None), ("cut", None)]
    assert shots[-1].picture.kind == "card" and shots[-1].picture.source == "THE END"
    assert shots[-1].fade_out is not None and shots[-1].fade_out.kind == "fade"
    assert shots[0].notes == ("Find a warmer light.",) and shots[1].notes == ("Check the overlap lands on the cut.",)
    assert shots[0].picture.kind == "prompt" and shots[0].picture.source.startswith("Mara pours coffee")
    assert dict(sp.title_page)["Author"] == "Ada Lane" and sp.title == "The Night Shift"
    assert "# # Act One" in fountain and "# = Mara comes home" in fountain  # the outline, as comments


def test_roles_that_share_a_scene_get_voices_told_apart():
    from filmmaker.backends.voice.palette import alike

    sp = load_script_screenplay(FOUNTAIN)
    for scene in sp.scenes:
        roles = sorted({line.speaker for shot in scene.shots for line in shot.lines})
        for i, a in enumerate(roles):
            for b in roles[i + 1:]:
                assert not alike(sp.cast[a], sp.cast[b]), (scene.id, a, b)


def test_building_the_script_directly_is_building_its_import():
    text, _ = screenplay_yaml(FOUNTAIN)
    assert same_film(load_script_screenplay(FOUNTAIN), parse_screenplay(text, FOUNTAIN.with_suffix(".yaml")))


@pytest.mark.parametrize("source, writer", [(FOUNTAIN, write_fountain), (FDX, write_fdx)])
def test_round_trip_import_export_import(tmp_path, source, writer):
    first, _ = screenplay_yaml(source)
    sp = parse_screenplay(first, tmp_path / "film.yaml")
    exported = tmp_path / f"again{source.suffix}"
    exported.write_text(writer(script_of(sp, exported)))
    second, _ = screenplay_yaml(exported)
    assert body(second) == body(first)


def test_export_of_an_imported_script_differs_only_where_the_format_cannot_hold_it():
    """What changes: the outline (sections, synopses), page breaks, the boneyard and emphasis are not
    kept; a note is written after its shot's action. Everything else reads back element for element."""
    original = read_script(FOUNTAIN)
    sp = load_script_screenplay(FOUNTAIN)
    again = parse_fountain(write_fountain(script_of(sp, FOUNTAIN)), FOUNTAIN)
    dropped = {"section", "synopsis", "page_break", "note"}
    assert [e for e in again.elements if e.kind not in dropped] == \
        [e for e in original.elements if e.kind not in dropped]
    assert sorted(e.text for e in again.elements if e.kind == "note") == \
        sorted(e.text for e in original.elements if e.kind == "note")
    assert again.title_page == original.title_page


def test_the_imported_film_builds_with_its_fades_overlaps_and_cards(tmp_path):
    project = tmp_path / "film"
    project.mkdir()
    script = project / "night-shift.fountain"
    shutil.copy(FOUNTAIN, script)
    result = run("build", script, "--preview", "-j", "1")
    assert result.returncode == 0, result.stderr
    film = project / "out" / "the-night-shift.mp4"
    assert film.is_file() and film.stat().st_size > 10_000
    srt = (project / "out" / "the-night-shift.srt").read_text()
    cues = {block.split("\n", 2)[2]: block.split("\n")[1] for block in srt.strip().split("\n\n")}
    assert cues["JONAS: Now?"].split(" --> ")[0] == cues["MARA: Now."].split(" --> ")[0]  # dual dialogue
    assert any(text.startswith("<i>NARRATOR: She never heard") for text in cues)  # V.O.: narration
    assert "CHORUS: ♪ And the night sang back ♪" in cues
    vtt = (project / "out" / "the-night-shift.vtt").read_text()
    assert "<v NARRATOR><i>She never heard the end of that message.</i>" in vtt
    import av

    with av.open(str(film)) as container:
        frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    black = 17  # limited-range luma: 16 is black
    card = 5 * 24  # the title card's frames, then FADE IN: dips to black into the first scene
    assert frames[0].mean() > black + 3 and min(f.mean() for f in frames[card - 12:card + 12]) <= black
    assert frames[-1].mean() <= black < frames[-30].mean()  # FADE OUT. on THE END


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


NEW_SCENE = "INT. HANGAR - DAWN\n\nA mechanic sweeps the floor.\n\nMECHANIC\nMorning, boss.\n\n"


def test_shot_ids_survive_a_new_scene_and_only_what_changed_rebuilds(tmp_path):
    script = tmp_path / "night.fountain"
    script.write_text(FOUNTAIN.read_text().replace("FADE IN:\n\n", ""))  # the first shot stays the first shot
    sidecar = tmp_path / "night.film.yaml"
    sidecar.write_text("shots:\n"
                       "  kitchen-night.jonas-steps:\n    camera: push-in\n"
                       "  roof-night.wind-city:\n    picture: {card: THE ROOF}\n    duration: auto\n"
                       "  launch-pad.floodlights:\n    camera: pan-left\n")
    out = tmp_path / "out"
    build_film(plan_film(load_script_screenplay(script), preview=True), out)

    edit(script, "# Act One\n", "# Act One\n\n" + NEW_SCENE)
    sp = load_script_screenplay(script)
    shots = {shot.id: shot for _, shot in sp.shots()}
    assert shots["kitchen-night.jonas-steps"].camera == "push-in"
    assert shots["roof-night.wind-city"].picture.source == "THE ROOF"
    assert shots["launch-pad.floodlights"].camera == "pan-left"
    report = build_film(plan_film(sp, preview=True), out)
    new_shots = {shot.id for shot in sp.scenes[0].shots}
    assert new_shots == {"hangar-dawn.mechanic"}
    assert {name for name in report.built["segment"] if ">" not in name} == new_shots
    assert len(report.built["line"]) == 1  # the mechanic's line; every other line is in the cache

    edit(script, "Always.", "Always, love.")
    report = build_film(plan_film(load_script_screenplay(script), preview=True), out)
    assert {name for name in report.built["segment"] if ">" not in name} == {"kitchen-night.mara-pours"}


def test_a_sidecar_entry_that_lost_its_shot_is_reported_at_its_line(tmp_path):
    script = tmp_path / "night.fountain"
    shutil.copy(FOUNTAIN, script)
    sidecar = tmp_path / "night.film.yaml"
    sidecar.write_text("format: {fps: 24}\nshots:\n  roof-night.wind-city:\n    camera: push-in\n")
    edit(script, "Wind. The city below", "Rain. The city below")
    result = run("validate", script)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{sidecar}:3:3: shots.roof-night.wind-city: no shot in night.fountain has this id" in result.stderr
    assert "roof-night.rain-city" in result.stderr  # the likely new id, suggested


def test_a_sidecar_problem_names_the_sidecar_and_a_script_problem_the_script(tmp_path):
    script = tmp_path / "night.fountain"
    shutil.copy(FOUNTAIN, script)
    (tmp_path / "night.film.yaml").write_text("shots:\n  launch-pad.end:\n    camera: zoom\n")
    result = run("validate", script)
    assert result.returncode == 2
    assert re.search(r"night\.film\.yaml:3:13: .*camera: 'zoom' is not one of", result.stderr), result.stderr


def test_cli_import_and_export(tmp_path):
    script = tmp_path / "night-shift.fountain"
    shutil.copy(FOUNTAIN, script)
    result = run("import", script)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "night-shift.yaml"
    assert body(written.read_text()) == body(GOLDEN.read_text())
    again = run("import", script)
    assert again.returncode == 2 and "--force" in again.stderr  # the writer's edits are not overwritten
    result = run("export", written, "--format", "fountain", "--format", "fdx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "the-night-shift.fountain").read_text().startswith("Title: The Night Shift")
    assert "<FinalDraft" in (tmp_path / "out" / "the-night-shift.fdx").read_text()
    assert same_film(load_screenplay(written), load_script_screenplay(tmp_path / "out" / "the-night-shift.fdx"))


@pytest.mark.parametrize("name, data, message", [
    ("empty.fountain", b"", "the script is empty"),
    ("binary.fdx", b"\x89PNG\r\n\x1a\n\x00\x00", "a binary file"),
    ("cue.fountain", b"INT. A - DAY\n\nMARA\n(softly)\n", "character cue with no dialogue"),
    ("bomb.fdx", b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
                 b"<FinalDraft><Content><Paragraph Type=\"Action\"><Text>&lol2;</Text></Paragraph></Content>"
                 b"</FinalDraft>", "DTD"),
    ("xxe.fdx", b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                b'<FinalDraft><Content><Paragraph Type="Action"><Text>&x;</Text></Paragraph></Content></FinalDraft>',
     "DTD"),
    ("broken.fdx", b'<FinalDraft><Content><Paragraph Type="Action"><Text>Hi</Paragraph></Content></FinalDraft>',
     "not well-formed"),
    ("cue.fdx", b'<FinalDraft><Content><Paragraph Type="Character"><Text>MARA</Text></Paragraph>'
                b'<Paragraph Type="Action"><Text>She leaves.</Text></Paragraph></Content></FinalDraft>',
     "character cue with no dialogue"),
    ("notes.fountain", b"Title: Only a title page\n", "nothing to film"),
])
def test_bad_scripts_exit_2_with_a_position_and_no_traceback(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = run("build", path, "--preview")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+:", result.stderr)
    assert not (tmp_path / "out").exists()


def test_plan_of_a_script_with_a_line_said_twice(tmp_path):
    script = tmp_path / "twice.fountain"
    script.write_text("INT. A - DAY\n\nRain.\n\nBOB\nYes.\n\nAMY\nNo.\n\nBOB\nYes.\n")
    result = run("plan", script, "--json")
    assert result.returncode == 0, result.stderr
    assert '"lines_to_build": 3' in result.stdout  # Bob's two are one node in the graph, yet each is listed
