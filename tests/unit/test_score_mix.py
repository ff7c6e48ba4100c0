"""The program mix as a screenplay configures it: ducking depth, attack and release measured on the
music stem; web and broadcast loudness; stems that add up to the program; the `mix:` block's checks."""

from __future__ import annotations

import numpy as np
import pytest

from filmmaker.errors import ScreenplayError
from filmmaker.render.audio import RATE, loudness, true_peak_db
from filmmaker.render.mix import PROGRAM_PEAK_DB, MixInput, mix_with_stems
from filmmaker.screenplay.load import parse_screenplay

LINES = ((2.0, 4.5), (7.0, 8.0))  # seconds: where someone speaks
FILM = 11.0


def scene() -> MixInput:
    n = int(FILM * RATE)
    t = np.arange(n) / RATE
    speaking = np.zeros(n, bool)
    dialogue = np.zeros(n, np.float32)
    for a, b in LINES:
        s, e = int(a * RATE), int(b * RATE)
        speaking[s:e] = True
        syllables = 0.5 - 0.5 * np.cos(2 * np.pi * 4 * (t[s:e] - a))
        dialogue[s:e] = 0.2 * syllables * (np.sin(2 * np.pi * 140 * t[s:e]) + 0.5 * np.sin(2 * np.pi * 560 * t[s:e]))
    music = np.stack([0.08 * np.sin(2 * np.pi * 220 * t), 0.08 * np.sin(2 * np.pi * 277 * t)], axis=1)
    return MixInput(dialogue, speaking, music.astype(np.float32), np.zeros((n, 2), np.float32))


def level_db(stem: np.ndarray, reference: np.ndarray, ms: float = 10.0) -> np.ndarray:
    """The stem's level against the unducked music, per `ms` window (dB)."""
    w = int(ms * RATE / 1000)
    n = len(stem) // w
    power = lambda x: np.mean(np.square(x[: n * w].reshape(n, w, -1), dtype=np.float64), axis=(1, 2))  # noqa: E731
    return 10 * np.log10(power(stem) / power(reference))


@pytest.mark.parametrize("depth, attack, release", [(-12.0, 0.08, 0.45), (-18.0, 0.03, 0.25), (-6.0, 0.1, 0.8)])
def test_ducking_depth_and_recovery_as_configured(depth, attack, release):
    parts = scene()
    out = mix_with_stems(parts, depth, -16.0, attack, release)
    # the music stem carries the program gain: take it out, and what is left is the duck alone
    curve = level_db(out.music / np.float32(10 ** (out.gain_db / 20)), parts.music)
    at = lambda seconds: curve[int(seconds * 100)]  # noqa: E731
    for a, b in LINES:
        during = curve[int((a + 0.05) * 100):int(b * 100)]
        assert np.all(np.abs(during - depth) <= 2.0), f"under the line {a}-{b} s: {during.min():.1f}..{during.max():.1f} dB"
        # back within 1 dB of full level once the release has run its course (one-pole: tau * ln(depth))
        back = b + release * np.log(abs(depth)) + 0.03
        assert at(back) >= -1.0, f"{at(back):.2f} dB at {back:.2f} s, {back - b:.2f} s after the line"
        assert at(b + 0.25 * release) < -1.0, "the music jumped back instead of releasing"
    # where nobody speaks, nothing is ducked: before the look-ahead of the first line; and after the
    # last, only the tail of the release is left (one pole: depth * e^(-t / release))
    assert abs(at(2.0 - 3 * attack - 0.1)) < 0.1
    tail = FILM - 0.1 - LINES[-1][1]
    assert abs(at(FILM - 0.1) - depth * np.exp(-tail / release)) < 0.1


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_program_meets_its_target_and_the_stems_add_up(target):
    parts = scene()
    out = mix_with_stems(parts, -12.0, target)
    assert abs(loudness(out.program) - target) <= 0.5
    assert true_peak_db(out.program) <= PROGRAM_PEAK_DB + 1e-3
    summed = out.dialogue[:, None] + out.music + out.effects
    np.testing.assert_allclose(out.program, summed, atol=1e-5)  # quiet material: the limiter is idle


def test_mix_block_is_read_and_checked(tmp_path):
    film = tmp_path / "film.yaml"
    base = "title: T\nscenes:\n  - heading: H\n    shots:\n      - picture: {card: one}\n"
    sp = parse_screenplay(base + "mix: {loudness: broadcast, duck: -14, attack: 0.05, release: 0.6, crossfade: 1}\n",
                          film)
    assert (sp.mix.loudness, sp.mix.target_lufs, sp.mix.duck, sp.mix.attack, sp.mix.release, sp.mix.crossfade) == \
        ("broadcast", -23.0, -14.0, 0.05, 0.6, 1.0)
    assert parse_screenplay(base, film).mix.target_lufs == -16.0
    with pytest.raises(ScreenplayError) as caught:
        parse_screenplay(base + "mix: {loudness: broadcst, duck: 6, release: 0}\n", film)
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["mix.loudness"] == "'broadcst' is not one of web, broadcast (did you mean 'broadcast'?)"
    assert messages["mix.duck"] == "must be between -40 and 0, got 6"
    assert messages["mix.release"] == "must be between 0.02 and 5, got 0"
