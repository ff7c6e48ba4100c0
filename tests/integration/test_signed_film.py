"""The film in out/ carries a signed C2PA manifest, read back by c2pa itself: how it was made, from
what, and who is in each shot; a changed byte shows; the film still plays as the cut it signs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys


def _manifest(film):
    import c2pa

    with open(film, "rb") as fh, c2pa.Reader("video/mp4", fh) as reader:
        store = json.loads(reader.json())
    return store["manifests"][store["active_manifest"]]


def test_the_film_carries_a_manifest_that_matches_the_screenplay(built_example):
    screenplay, plan, report = built_example
    active = _manifest(report.film)
    assertions = {a["label"]: a["data"] for a in active["assertions"]}
    actions = assertions["c2pa.actions.v2"]["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"].endswith("/compositeWithTrainedAlgorithmicMedia")
    assert any(a["action"] == "c2pa.edited" and a["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
               and a["parameters"]["org.filmmaker.generated"] == "voice" for a in actions)
    media = screenplay.parent / "media"
    wanted = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (media / "astronaut.jpg", media / "rocket.jpg", media / "footage" / "deep-field.mp4")}
    found = {i["title"]: i["metadata"]["org.filmmaker.sha256"] for i in active["ingredients"]}
    assert {name: found.get(name) for name in wanted} == wanted
    assert {"calm_acoustic_1.opus", "happy_acoustic_1.opus"} <= set(found)
    cast = assertions["org.filmmaker.cast"]["shots"]
    assert [s["shot"] for s in cast] == [ps.id for ps in plan.shots]
    assert all(("voice" in s["generated"]) == bool(ps.lines) for s, ps in zip(cast, plan.shots))


def test_the_signed_film_plays_as_the_cut_it_signs(built_example):
    import av

    _, _, report = built_example

    def streams(path):
        with av.open(str(path)) as container:
            return [(s.type, s.codec_context.name, s.frames, float(s.duration * s.time_base))
                    for s in container.streams]

    assert streams(report.film) == streams(report.cut)
    head = report.film.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")  # still +faststart


def test_inspect_reads_it_back_and_sees_a_changed_byte(built_example, tmp_path):
    _, _, report = built_example
    shown = subprocess.run([sys.executable, "-m", "filmmaker.cli", "inspect", str(report.film)], capture_output=True,
                           text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "changed after signing: no" in shown.stdout and "self-signed project key" in shown.stdout
    assert "ingredient still: astronaut.jpg" in shown.stdout and "shot commander:" in shown.stdout
    changed = tmp_path / "changed.mp4"
    shutil.copy(report.film, changed)
    data = bytearray(changed.read_bytes())
    data[data.index(b"mdat") + 5000] ^= 0x01
    changed.write_bytes(bytes(data))
    shown = subprocess.run([sys.executable, "-m", "filmmaker.cli", "inspect", str(changed)], capture_output=True,
                           text=True, timeout=120)
    assert shown.returncode == 1 and "changed after signing: YES" in shown.stdout, shown.stdout + shown.stderr
