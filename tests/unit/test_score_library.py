"""The music library: bundled tracks with their metadata, user folders with sidecars, tempo and key
measured from the sound where nothing gives them, and `filmmaker music` listing it all."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile
from test_score_fit import accented_track  # tests/unit/test_score_fit.py

from filmmaker.backends.music.library import file_track, folder_tracks, library, pick, with_measurements
from filmmaker.backends.music.stock import LICENCE, bundled
from filmmaker.backends.music.tempo import estimate_key, estimate_tempo
from filmmaker.errors import ResolveError
from filmmaker.render.audio import RATE


def chord_progression(seconds: float = 8.0) -> np.ndarray:
    """I-IV-V-I in C major, two seconds a chord, with octave-doubled roots: plainly in C major."""
    chords = [(60, 64, 67), (65, 69, 72), (67, 71, 74), (60, 64, 67)]
    per = int(seconds / 4 * RATE)
    t = np.arange(per) / RATE
    out = []
    for chord in chords:
        notes = [*chord, chord[0] - 12]
        tone = sum(np.sin(2 * np.pi * 440 * 2 ** ((m - 69) / 12) * t) for m in notes)
        out.append(0.1 * tone * np.hanning(per))
    mono = np.concatenate(out).astype(np.float32)
    return np.stack([mono, mono], axis=1)


@pytest.mark.parametrize("bpm, downbeat", [(97.0, 0.41), (128.0, 0.0), (72.0, 1.2)])
def test_tempo_and_first_downbeat_are_measured(bpm, downbeat):
    track = accented_track(30.0, bpm=bpm, downbeat=downbeat, seed=int(bpm))
    found, first = estimate_tempo(track, RATE)
    assert found is not None and abs(found - bpm) / bpm <= 0.003, f"measured {found} bpm, played {bpm}"
    bar = 4 * 60 / bpm
    off = (first - downbeat + bar / 2) % bar - bar / 2  # bar lines repeat: compare on the circle
    assert abs(off) <= 0.02, f"first downbeat measured at {first:.3f} s, played at {downbeat}"


def test_music_without_a_pulse_has_no_tempo():
    rng = np.random.default_rng(0)
    hiss = (0.05 * rng.normal(size=(10 * RATE, 2))).astype(np.float32)
    assert estimate_tempo(hiss, RATE)[0] is None


def test_key_is_measured():
    assert estimate_key(chord_progression(), RATE) == "C major"


def test_bundled_library_has_tempo_key_and_licence_for_every_track():
    tracks = bundled()
    assert len(tracks) >= 27
    assert {t.mood for t in tracks} == {"calm", "energetic", "happy", "nostalgic", "tender"}
    assert all(t.bpm and t.key and t.licence == LICENCE and t.source == "library" for t in tracks)
    assert {t.style for t in tracks} == {"acoustic", "electronic"}
    first = pick(tracks, "calm")
    assert (first.name, first.bpm, first.key) == ("calm_acoustic_1", 68.0, "C major")
    assert pick(tracks, "calm", style="electronic").name == "calm_electronic_s411"


@pytest.fixture
def user_library(tmp_path):
    folder = tmp_path / "my-music"
    (folder / "tense").mkdir(parents=True)
    (folder / "empty").mkdir()
    soundfile.write(folder / "tense" / "pulse.wav", accented_track(20.0, bpm=97.0, downbeat=0.41), RATE)
    soundfile.write(folder / "tense" / "drone.flac", accented_track(12.0, bpm=128.0), RATE)
    (folder / "tense" / "drone.json").write_text(json.dumps({"bpm": 128, "key": "D minor", "licence": "CC BY 4.0, Ana"}))
    (folder / "LICENSE").write_text("CC0 1.0, recorded by the filmmaker\n\nlong text...")
    return folder


def test_user_folder_tracks_take_sidecar_then_folder_licence_then_measure(user_library):
    tracks = {t.name: t for t in folder_tracks(user_library)}
    assert set(tracks) == {"pulse", "drone"}
    drone, pulse = tracks["drone"], tracks["pulse"]
    assert (drone.mood, drone.bpm, drone.key, drone.licence, drone.source) == ("tense", 128.0, "D minor",
                                                                               "CC BY 4.0, Ana", "sidecar")
    assert (pulse.bpm, pulse.licence, pulse.source) == (None, "CC0 1.0, recorded by the filmmaker", "none")
    measured = with_measurements(pulse)
    assert measured.source == "measured" and abs(measured.bpm - 97.0) < 0.3 and abs(measured.downbeat - 0.41) < 0.02
    assert len(library((user_library,))) == len(bundled()) + 2


def test_a_mood_without_tracks_and_a_bad_sidecar_are_refused(user_library):
    tracks = library((user_library,))
    with pytest.raises(ResolveError, match=r"no tracks for mood 'empty'; moods with tracks: calm, .*tense"):
        pick(tracks, "empty")
    with pytest.raises(ResolveError, match=r"no electronic tracks for mood 'tense'"):
        pick(tracks, "tense", style="electronic")
    (user_library / "tense" / "drone.json").write_text("{bpm: 128")
    with pytest.raises(ResolveError, match=r"drone.json: not readable JSON"):
        file_track(user_library / "tense" / "drone.flac")


def test_music_command_lists_the_library(user_library):
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", "music", "--library", str(user_library)],
                            capture_output=True, text=True, timeout=120, env={"COLUMNS": "250", "PATH": ""})
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[3].strip(): [c.strip() for c in line.split("│")[1:-1]]
            for line in result.stdout.splitlines() if line.count("│") == 7}
    assert rows["calm_acoustic_1"] == ["calm", "acoustic", "calm_acoustic_1", "68", "C major", LICENCE]
    assert rows["drone"][3:] == ["128", "D minor", "CC BY 4.0, Ana"]
    assert rows["pulse"][0] == "tense" and rows["pulse"][3].endswith("(measured)")
    assert abs(float(rows["pulse"][3].split()[0]) - 97.0) < 0.3
    assert f"{len(bundled()) + 2} tracks in 6 moods" in result.stdout
