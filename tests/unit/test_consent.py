"""Consent: the real people whose faces and voices the cut uses, checked against what they agreed
to for what the build is for, before any work; consent.lock records each release's hash."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from filmmaker.consent import LOCK, check_consent
from filmmaker.errors import ScreenplayError
from filmmaker.plan import plan_film
from filmmaker.screenplay import load_screenplay

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples"
TODAY = dt.date(2026, 11, 30)
FILM = """\
title: Consent
actors:
  eileen:
    face: media/astronaut.jpg
{person}    voice: {{engine: piper, model: en_US-joe-medium}}
  sam:
    voice: {{engine: coqui, model: tts_models/multilingual/multi-dataset/xtts_v2, sample: voice.wav}}
{sam}cast: {{COMMANDER: eileen, FLIGHT: sam}}
scenes:
  - id: s
    heading: INT. ROOM - DAY
    shots:
      - id: face
        picture: {{still: media/astronaut.jpg}}
        faces: {{COMMANDER: auto}}
        lines:
          - {{speaker: FLIGHT, text: Hello there.}}
"""


CLEAN = "face_swap: {landmarks: 5}\nlicences: {accept_noncommercial: [xtts]}\n"  # no licence refusal


def project(tmp_path: Path, person: str = "", sam: str = "    person: fictional\n", extra: str = "") -> Path:
    (tmp_path / "media").mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "media" / "astronaut.jpg", tmp_path / "media" / "astronaut.jpg")
    import soundfile as sf

    sf.write(tmp_path / "voice.wav", np.zeros(24_000, np.float32), 24_000)
    (tmp_path / "releases").mkdir(exist_ok=True)
    (tmp_path / "releases" / "eileen.pdf").write_bytes(b"%PDF-1.4 signed release")
    screenplay = tmp_path / "film.yaml"
    screenplay.write_text(FILM.format(person=person, sam=sam) + extra)
    return screenplay


def consent(covers="[face, voice]", uses="[audition, internal]", expires="2027-06-30") -> str:
    return (f"    person: real\n    consent:\n      release: releases/eileen.pdf\n      covers: {covers}\n"
            f"      uses: {uses}\n      expires: {expires}\n")


def refused(screenplay: Path, purpose: str = "internal") -> list[str]:
    with pytest.raises(ScreenplayError) as caught:
        check_consent(plan_film(load_screenplay(screenplay)), purpose, TODAY)
    return [f"{p.line}:{p.field}: {p.message}" for p in caught.value.problems]


def test_a_real_person_with_a_valid_release_passes_and_is_locked(tmp_path):
    screenplay = project(tmp_path, consent())
    assert check_consent(plan_film(load_screenplay(screenplay)), "internal", TODAY) == []
    lock = json.loads((tmp_path / LOCK).read_text())
    digest = __import__("hashlib").sha256(b"%PDF-1.4 signed release").hexdigest()
    assert lock == {"eileen": {"release": "eileen.pdf", "sha256": digest, "covers": ["face", "voice"],
                               "uses": ["audition", "internal"], "expires": "2027-06-30"}}


def test_each_refusal_names_the_actor_field_and_fix(tmp_path):
    found = refused(project(tmp_path / "a", "    person: real\n"))
    assert any(":actors.eileen.consent: 'eileen' is a real person whose face" in p and "consent: {release" in p
               for p in found)
    found = refused(project(tmp_path / "b", consent(expires="2026-01-31")))
    assert any("actors.eileen.consent.expires: 'eileen''s consent expired on 2026-01-31" in p for p in found)
    found = refused(project(tmp_path / "c", consent(covers="[voice]")))
    assert any("actors.eileen.consent.covers:" in p and "not their face, which shot 'face' uses" in p for p in found)
    assert all(int(p.split(":")[0]) > 1 for p in found)  # positioned at the screenplay's own lines


def test_an_audition_only_release_allows_an_audition_and_refuses_a_release(tmp_path):
    screenplay = project(tmp_path, consent(uses="[audition]"), extra=CLEAN)
    assert check_consent(plan_film(load_screenplay(screenplay)), "audition", TODAY) == []
    found = refused(screenplay, "release")
    assert any("actors.eileen.consent.uses: 'eileen' agreed to audition, not to a release build" in p for p in found)
    assert any("--for audition" in p for p in found)


def test_a_release_edited_after_the_lock_is_refused(tmp_path):
    screenplay = project(tmp_path, consent())
    check_consent(plan_film(load_screenplay(screenplay)), "internal", TODAY)
    (tmp_path / "releases" / "eileen.pdf").write_bytes(b"%PDF-1.4 a different release")
    found = refused(screenplay)
    assert any("actors.eileen.consent.release: eileen.pdf changed since consent.lock recorded it" in p for p in found)


def test_unsaid_people_warn_in_internal_builds_and_block_a_release(tmp_path):
    screenplay = project(tmp_path, sam="", extra=CLEAN)  # sam's voice is cloned; nobody says who sam is
    plan = plan_film(load_screenplay(screenplay))
    warnings = check_consent(plan, "internal", TODAY)
    assert len(warnings) == 2 and all("does not say who this is" in w for w in warnings)
    found = refused(screenplay, "release")
    assert {p.split(": ")[0].split(":")[1] for p in found} == {"actors.eileen.person", "actors.sam.person"}


def test_stock_voices_and_fictional_people_need_no_record(tmp_path):
    screenplay = project(tmp_path, "    person: fictional\n", extra=CLEAN)
    assert check_consent(plan_film(load_screenplay(screenplay)), "release", TODAY) == []
    assert not (tmp_path / LOCK).exists()


def test_the_cli_refuses_before_any_work_with_exit_2(tmp_path):
    screenplay = project(tmp_path, "    person: real\n")
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(screenplay), "--for", "release"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{screenplay}:" in result.stderr and "actors.eileen.consent" in result.stderr
    assert not (tmp_path / ".filmmaker" / "cache").exists() and not (tmp_path / "out").exists()
    bad = subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(screenplay), "--for", "festival"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--for 'festival': choose one of internal, release, audition" in bad.stderr


def test_a_release_refuses_non_commercial_components_unless_acknowledged(tmp_path):
    screenplay = project(tmp_path / "a", "    person: fictional\n")  # 68-point landmarks, an XTTS voice
    found = refused(screenplay, "release")
    assert len(found) == 2 and all(":licences.accept_noncommercial: " in p for p in found)
    assert any("68-point dlib face landmark model" in p and "accept_noncommercial: [dlib-68]" in p for p in found)
    assert any("Coqui XTTS" in p and "accept_noncommercial: [xtts]" in p for p in found)
    assert check_consent(plan_film(load_screenplay(screenplay)), "internal", TODAY) == []
    acknowledged = project(tmp_path / "b", "    person: fictional\n",
                           extra="licences: {accept_noncommercial: [dlib-68, xtts]}\n")
    assert check_consent(plan_film(load_screenplay(acknowledged)), "release", TODAY) == []
