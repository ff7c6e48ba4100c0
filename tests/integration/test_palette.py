"""The voice palette: women and men from the voices that install offline, told apart by pitch and
by the spectral envelope; the example's cast uses them, and its dialogue is understood."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from filmmaker.backends.voice import open_voice
from filmmaker.backends.voice.palette import BUNDLED, PALETTE, palette_voice
from filmmaker.cache import file_sha256
from filmmaker.render.voice import speak
from filmmaker.screenplay import load_screenplay
from filmmaker.screenplay.model import VoiceSpec
from tests.speech import dialogue_wer, envelope_db, median_f0, semitones

pytestmark = pytest.mark.slow
EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "the-launch.yaml"
LINES = ["Then we fly tonight. Tell the crew to get some sleep.",
         "Copy that. All stations report go. Good luck up there."]


def _spoken(spec: VoiceSpec) -> list[np.ndarray]:
    engine = open_voice(spec, file_sha256)
    return [speak(engine, text, spec) for text in LINES]


@pytest.fixture(scope="module")
def voices() -> dict[str, list[np.ndarray]]:
    return {voice.name: _spoken(voice.spec) for voice in PALETTE}


def test_women_are_in_a_womans_range_and_men_in_a_mans(voices):
    for voice in PALETTE:
        f0 = median_f0(voices[voice.name])
        assert (f0 >= 165) if voice.sex == "woman" else (f0 <= 140), (voice.name, f0)
    # any two are told apart: 2 semitones apart in pitch, or a vocal tract of another size
    names = [voice.name for voice in PALETTE]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            apart = abs(semitones(median_f0(voices[a]), median_f0(voices[b])))
            envelope = float(np.abs(envelope_db(voices[a]) - envelope_db(voices[b])).mean())
            assert apart >= 2 or envelope >= 1.0, (a, b, apart, envelope)


def test_a_womans_envelope_is_moved_as_far_as_an_adult_woman_not_a_child(voices):
    bundled = envelope_db(_spoken(BUNDLED))
    woman = envelope_db(voices["woman"])
    tape_only = envelope_db(_spoken(VoiceSpec(engine="piper", pitch=palette_voice("woman").spec.pitch)))
    moved = float(np.abs(woman - bundled).mean())
    assert moved > 1.5  # the envelope moved, not only the pitch
    assert moved < float(np.abs(tape_only - bundled).mean())  # and less than the raw shift moves it


def test_the_examples_cast_uses_the_palette():
    sp = load_screenplay(EXAMPLE)
    commander, flight = (sp.actors[sp.cast[role]].voice for role in ("COMMANDER", "FLIGHT"))
    for spec, name in ((commander, "woman"), (flight, "man")):
        want = palette_voice(name).spec
        assert (spec.engine, spec.pitch, spec.timbre, spec.rate) == (want.engine, want.pitch, want.timbre, want.rate)


def test_the_examples_dialogue_is_understood_in_the_final_mix(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE.parent, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
    subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(project / EXAMPLE.name), "--preview"],
                   check=True, capture_output=True, timeout=300)
    wer, f0 = dialogue_wer(project / "out")
    assert wer["mix", ""] <= 0.25  # measured 0.185 (pocketsphinx; the bare voice alone: 0.235)
    assert wer["mix", ""] - wer["stem", ""] <= 0.03  # the music does not cost words
    assert all(wer["mix", role] <= 0.30 for role in f0)  # measured 0.26 and 0.10
    assert abs(semitones(f0["COMMANDER"], f0["FLIGHT"])) >= 2
