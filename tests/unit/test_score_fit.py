"""Cues fitted to the cut, measured: exact spans from shots, loop joins on bar lines with no clicks,
in/out points, a downbeat on a hit shot, stopping on a bar line, crossfades between adjacent cues."""

from __future__ import annotations

import numpy as np
import pytest

from filmmaker.graph.score import cue_spans, overlap_adjacent
from filmmaker.plan import plan_film, time_film
from filmmaker.render.audio import RATE
from filmmaker.render.mix import arrange, fit_and_arrange, fit_cue
from filmmaker.screenplay.load import parse_screenplay

BPM = 100.0
BAR = 4 * 60.0 / BPM * RATE  # 115 200 samples


def max_jump(audio: np.ndarray) -> float:
    return float(np.abs(np.diff(audio, axis=0)).max())


def accented_track(seconds: float, bpm: float = BPM, downbeat: float = 0.0, seed: int = 1) -> np.ndarray:
    """Stereo music with a beat: a loud 2 kHz burst on each bar's first beat, softer 1 kHz ones on the others, over
    noise-modulated tones that never repeat (so a stretch of it matches only itself)."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    rng = np.random.default_rng(seed)
    drift = np.cumsum(rng.normal(0, 1, n)) / np.sqrt(n) * 0.3
    bed = 0.1 * np.sin(2 * np.pi * (211.7 * t + drift)) + 0.05 * np.sin(2 * np.pi * 317.3 * t)
    audio = np.stack([bed, bed * 0.9], axis=1)
    burst = int(0.02 * RATE)
    beat = 60.0 / bpm * RATE
    k = 0
    while (at := int(round(downbeat * RATE + k * beat))) + burst <= n:
        freq, level = (2000, 0.4) if k % 4 == 0 else (1000, 0.2)  # the bar's first beat is the strong one
        audio[at:at + burst] += (level * np.hanning(burst) * np.sin(2 * np.pi * freq * np.arange(burst) / RATE))[:, None]
        k += 1
    return audio.astype(np.float32)


def downbeats(audio: np.ndarray) -> np.ndarray:
    """Onsets of the 2 kHz bursts (samples), found by a matched filter: the music's downbeats as heard."""
    from scipy.signal import fftconvolve, find_peaks

    burst = int(0.02 * RATE)
    probe = np.hanning(burst) * np.sin(2 * np.pi * 2000 * np.arange(burst) / RATE)
    response = np.abs(fftconvolve(audio[:, 0], probe[::-1], mode="valid"))
    peaks, _ = find_peaks(response, height=0.5 * response.max(), distance=int(0.3 * RATE))
    return peaks


# -- spans from shots --------------------------------------------------------------------------------

FILM = """\
title: Spans
format: {fps: 24}
scenes:
  - id: one
    heading: H
    shots:
      - {id: a, picture: {card: A}, duration: 2.5}
      - {id: b, picture: {card: B}, duration: 3.125}
      - {id: c, picture: {card: C}, duration: 1.75}
  - id: two
    heading: H2
    shots:
      - {id: d, picture: {card: D}, duration: 4}
score:
  - {from: one, to: b, mood: calm}
  - {from: d, to: two, mood: happy, fade_out: 3}
"""


def test_cue_over_shots_is_exactly_their_length(tmp_path):
    sp = parse_screenplay(FILM, tmp_path / "film.yaml")
    plan = plan_film(sp)
    timing = time_film(plan, {}, {})
    spans = cue_spans(plan, timing)
    # a scene id stands for its first shot in `from` and its last in `to`
    assert (sp.score[0].start_shot, sp.score[1].end_shot) == ("a", "d")
    first, second = spans
    assert (first.start, first.end) == (0, round((2.5 + 3.125) * RATE))  # the cues do not touch: no crossfade
    assert (second.start, second.end) == (round(7.375 * RATE), round(11.375 * RATE))
    track = accented_track(3.0)  # shorter than either span: looped
    for span in spans:
        out = fit_cue(track, span.end - span.start, BPM, 0.5, 1.0, 2.0)
        assert out.shape == (span.end - span.start, 2)
        assert abs(len(out) / RATE - (span.end - span.start) / RATE) <= 1 / RATE


@pytest.mark.parametrize("seconds", [0.5, 2.0, 7.3, 31.07])
def test_fitted_length_is_exact_with_in_out_hit_and_bar_end(seconds):
    track = accented_track(6.0, downbeat=0.21)
    span = int(seconds * RATE)
    out = fit_cue(track, span, BPM, 0.7, 0.3, 0.5, start=int(0.9 * RATE), stop=int(5.5 * RATE), downbeat=0.21,
                  hit=span // 3, end_on_bar=True)
    assert out.shape == (span, 2) and np.isfinite(out).all()


# -- loops on bar lines --------------------------------------------------------------------------------

def test_loop_joins_land_source_bar_lines_on_cue_bar_lines():
    downbeat = 0.37
    plan = arrange(int(7.0 * RATE), int(40 * RATE), BPM, start=int(1.1 * RATE), stop=int(6.6 * RATE),
                   downbeat=downbeat)
    assert len(plan.pieces) > 3
    grid = downbeat * RATE
    first, *repeats = plan.pieces
    assert first.src == int(1.1 * RATE)  # the first pass starts at the in-point, mid-bar
    for piece in repeats:
        # each repeat starts on a bar line of the source ...
        bars = (piece.src - grid) / BAR
        assert abs(bars - round(bars)) * BAR <= 0.5
        # ... where the cue has a bar line: the grid runs on unbroken through every join
        bars_in_cue = (piece.at - plan.first_bar) / BAR
        assert abs(bars_in_cue - round(bars_in_cue)) * BAR <= 1.0 * len(repeats)
        # ... and the pass before it runs exactly one crossfade past its last bar line
        end_bars = (piece.src + piece.length - plan.crossfade - grid) / BAR
        assert abs(end_bars - round(end_bars)) * BAR <= 0.5
    assert all(p.src + p.length <= int(6.6 * RATE) for p in plan.pieces)  # never past the out-point


def test_looped_cue_keeps_its_downbeats_on_the_bar_grid_as_heard():
    track = accented_track(9.0, downbeat=0.37)
    span = int(30 * RATE)
    out, plan = fit_and_arrange(track, span, BPM, 1.0, 0.0, 0.0, start=int(0.8 * RATE), downbeat=0.37)
    assert len(plan.pieces) >= 4
    heard = downbeats(out)
    expected = plan.bar_lines(span - int(0.05 * RATE))
    assert len(heard) == len(expected), (heard, expected)
    assert np.abs(heard - expected).max() <= 2, "a downbeat drifted off the bar grid at a loop join"


def test_loop_joins_do_not_click():
    track = accented_track(9.0, downbeat=0.37)
    span = int(30 * RATE)
    out, plan = fit_and_arrange(track, span, BPM, 0.8, 0.5, 0.5, start=int(0.8 * RATE), downbeat=0.37)
    source_jump = 0.8 * max_jump(track)
    for piece in plan.pieces[1:]:
        window = out[max(0, piece.at - 200):piece.at + plan.crossfade + 200]
        assert max_jump(window) <= 1.5 * source_jump, f"click at the join at {piece.at}"
    assert max_jump(out) <= 1.5 * source_jump


def test_in_and_out_points_pick_the_stretch_of_the_source():
    track = accented_track(8.0)
    span = int(2.0 * RATE)
    out = fit_cue(track, span, BPM, 1.0, 0.0, 0.0, start=int(3.0 * RATE))
    np.testing.assert_array_equal(out, track[int(3.0 * RATE):int(5.0 * RATE)])


# -- hit: a downbeat on a shot -------------------------------------------------------------------------

@pytest.mark.parametrize("hit_seconds", [1.234, 5.5, 12.9])
def test_hit_puts_a_downbeat_on_the_shot(hit_seconds):
    track = accented_track(10.0, downbeat=0.15)
    span = int(16 * RATE)
    hit = int(hit_seconds * RATE)
    out = fit_cue(track, span, BPM, 1.0, 0.0, 0.0, start=int(0.5 * RATE), downbeat=0.15, hit=hit)
    heard = downbeats(out)
    assert np.abs(heard - hit).min() <= 2, f"nearest downbeat {np.abs(heard - hit).min()} samples from the hit"
    # without the hit the same cue has no downbeat there: the alignment is the hit's doing
    plain = downbeats(fit_cue(track, span, BPM, 1.0, 0.0, 0.0, start=int(0.5 * RATE), downbeat=0.15))
    assert np.abs(plain - hit).min() > 0.05 * RATE


# -- end: bar ------------------------------------------------------------------------------------------

def test_end_on_bar_stops_on_the_last_bar_line_without_a_click():
    track = accented_track(10.0, downbeat=0.15)
    span = int(13.1 * RATE)
    out, plan = fit_and_arrange(track, span, BPM, 1.0, 0.0, 0.5, downbeat=0.15, end_on_bar=True)
    assert out.shape == (span, 2)
    assert plan.end < span and span - plan.end < BAR
    bars = (plan.end - plan.first_bar) / BAR
    assert abs(bars - round(bars)) * BAR <= 1.0
    assert not out[plan.end:].any(), "music after the bar line it was meant to stop on"
    assert np.abs(out[plan.end - int(0.6 * RATE):plan.end - int(0.5 * RATE)]).max() > 0.05  # playing until the fade
    assert max_jump(out[plan.end - 500:]) <= max_jump(track)


# -- crossfades between adjacent cues ----------------------------------------------------------------------

def test_adjacent_cues_overlap_centred_on_the_cut():
    cut, total = 10 * RATE, 30 * RATE
    first, second, alone = overlap_adjacent([(0, cut), (cut, 20 * RATE), (25 * RATE, total)], 2.0, total)
    assert (first.start, first.end, first.crossfade_out, first.crossfade_in) == (0, cut + RATE, 2.0, None)
    assert (second.start, second.crossfade_in, second.crossfade_out) == (cut - RATE, 2.0, None)
    assert (alone.start, alone.end, alone.crossfade_in, alone.crossfade_out) == (25 * RATE, total, None, None)
    # a short neighbour limits the overlap to half of it
    short = overlap_adjacent([(0, cut), (cut, cut + RATE)], 4.0, total)
    assert short[0].end - cut == RATE // 2 and short[1].start == cut - RATE // 2


def test_crossfade_between_cues_keeps_the_power_steady():
    rng = np.random.default_rng(5)
    a = (0.1 * rng.normal(size=(12 * RATE, 2))).astype(np.float32)
    b = (0.1 * rng.normal(size=(12 * RATE, 2))).astype(np.float32)
    first, second = overlap_adjacent([(0, 6 * RATE), (6 * RATE, 12 * RATE)], 2.0, 12 * RATE)
    film = np.zeros((12 * RATE, 2), np.float32)
    for span, source in ((first, a), (second, b)):
        film[span.start:span.end] += fit_cue(source, span.end - span.start, None, 1.0, span.crossfade_in or 0.0,
                                             span.crossfade_out or 0.0, power_in=span.crossfade_in is not None,
                                             power_out=span.crossfade_out is not None)
    window = RATE // 10
    level = 10 * np.log10(np.mean(film[: len(film) // window * window].reshape(-1, window, 2) ** 2, axis=(1, 2)))
    overlap = level[int(5.0 * 10):int(7.0 * 10)]
    assert np.abs(overlap - np.median(level)).max() <= 1.0, f"level through the crossfade: {overlap.round(2)}"
