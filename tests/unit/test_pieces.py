"""The mix in pieces against the mix in one go: premixed pieces duck and place as the whole film
does, loudness from 100 ms sums matches the whole-signal meter, the streaming limiter equals the
whole-signal limiter, and a cue fitted chunk by chunk equals `fit_and_arrange` in bounded memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from scipy.signal import butter, sosfilt

from filmmaker.render.audio import RATE, duck_envelope, loudness, true_peak_db
from filmmaker.render.cuefit import fit_cue_chunks
from filmmaker.render.mix import fit_and_arrange
from filmmaker.render.pieces import (
    SUB_BLOCK,
    StreamingLimiter,
    duck_reach,
    limit_whole,
    measure_blocks,
    premix,
    programme_gain,
    programme_loudness,
)

DUCK, ATTACK, RELEASE = -12.0, 0.08, 0.45


def speech_like(seconds: float, rng: np.random.Generator, amp: float = 0.2) -> np.ndarray:
    """Voiced harmonics under a 4 Hz syllable envelope, mono float32."""
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = rng.uniform(110, 220)
    syllables = 0.5 - 0.5 * np.cos(2 * np.pi * 4 * t + rng.uniform(0, 6))
    voice = sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6)) / k for k in range(1, 6))
    return (amp * syllables * voice).astype(np.float32)


def music_like(n: int, rng: np.random.Generator, amp: float = 0.1) -> np.ndarray:
    """Two chords of partials, a square-ish bass and band-limited noise, stereo float32."""
    t = np.arange(n) / RATE
    left = np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 330 * t) + 0.3 * np.sign(np.sin(2 * np.pi * 55 * t))
    right = np.sin(2 * np.pi * 277 * t) + 0.5 * np.sin(2 * np.pi * 415 * t)
    noise = sosfilt(butter(4, 8000, fs=RATE, output="sos"), rng.standard_normal((n, 2)), axis=0)
    return (amp * (np.stack([left, right], axis=1) + 0.3 * noise)).astype(np.float32)


# -- premix ------------------------------------------------------------------------------------------

def film(seconds: float = 40.0, seed: int = 3):
    """Lines (audio, start) spread over a film, one at its very first sample; music and effects."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    lines, t = [], 0.0
    while t < seconds - 4:
        length = rng.uniform(0.3, 3.0)
        lines.append((speech_like(length, rng), int(t * RATE) + int(rng.integers(0, 48))))
        t += length + rng.uniform(0.05, 2.5)  # gaps shorter and longer than the release
    lines[0] = (lines[0][0], 0)
    effects = (0.01 * rng.standard_normal((n, 2))).astype(np.float32)
    return n, lines, music_like(n, rng), effects


def whole_film_stems(n, lines, music, effects):
    """The stems as mix_with_stems makes them before mastering."""
    speaking = np.zeros(n, bool)
    dialogue = np.zeros(n, np.float32)
    for audio, start in lines:
        speaking[start:start + len(audio)] = True
        dialogue[start:start + len(audio)] += audio
    gain = duck_envelope(speaking, DUCK, ATTACK, RELEASE)[:, None]
    return dialogue * np.float32(0.7071), music * gain


def context(lines, lo: int, hi: int):
    """The lines a piece [lo, hi) needs, relative to its start (those within duck_reach)."""
    before, after = duck_reach(ATTACK, RELEASE)
    return [(a, s - lo) for a, s in lines if s + len(a) > lo - before and s < hi + after]


def test_premixed_pieces_equal_the_whole_film_mix():
    n, lines, music, effects = film()
    dialogue, ducked = whole_film_stems(n, lines, music, effects)
    ahead = lines[6][1] - RATE // 10  # a cut 0.1 s before a line: the next piece's line dips this one's end
    cuts = sorted([0, 123_457, 5 * RATE + 1111, 17 * RATE + 5, 29 * RATE + 777, ahead, n])  # off the 1 ms grid
    for lo, hi in zip(cuts, cuts[1:]):
        pm = premix(hi - lo, context(lines, lo, hi), music[lo:hi], effects[lo:hi], DUCK, ATTACK, RELEASE, origin=lo)
        np.testing.assert_allclose(pm.music, ducked[lo:hi], atol=1e-6, rtol=0)
        np.testing.assert_allclose(pm.dialogue, dialogue[lo:hi], atol=1e-7, rtol=0)
        np.testing.assert_array_equal(pm.effects, effects[lo:hi])
        mixed = pm.mix()
        assert mixed.dtype == np.float32 and mixed.shape == (hi - lo, 2)
        np.testing.assert_allclose(mixed, dialogue[lo:hi, None] + ducked[lo:hi] + effects[lo:hi], atol=1e-6, rtol=0)
        sums, counts = measure_blocks(mixed)
        np.testing.assert_allclose(pm.blocks, sums, rtol=1e-12)
        np.testing.assert_array_equal(pm.counts, counts)
        assert pm.peaks.shape == counts.shape
        assert pm.peaks[-1] == np.abs(mixed[-counts[-1]:]).max()


def test_context_lines_carry_the_duck_across_a_cut():
    """Without the neighbours' lines the duck is wrong by decibels at the cut: the context matters.
    Without `origin` the 1 ms grid may sit off the film's: a small error while the duck moves."""
    n, lines, music, effects = film()
    _, ducked = whole_film_stems(n, lines, music, effects)
    lo, hi = 17 * RATE + 5, 29 * RATE + 777
    inside = [(a, s) for a, s in context(lines, lo, hi) if 0 <= s and s + len(a) <= hi - lo]
    blind = premix(hi - lo, inside, music[lo:hi], effects[lo:hi], DUCK, ATTACK, RELEASE, origin=lo)
    gain_error_db = 20 * np.log10(np.abs(blind.music[:, 0] / ducked[lo:hi, 0]))
    assert np.abs(gain_error_db).max() > 3.0
    loose = premix(hi - lo, context(lines, lo, hi), music[lo:hi], effects[lo:hi], DUCK, ATTACK, RELEASE)
    gain_error_db = 20 * np.log10(np.abs(loose.music[:, 0] / ducked[lo:hi, 0]))
    assert 0 < np.abs(gain_error_db).max() < 0.5


def test_premix_places_only_the_window_and_checks_its_inputs():
    line = np.ones(1000, np.float32)
    silent = np.zeros((500, 2), np.float32)
    pm = premix(500, [(line, -700), (line, 400)], silent, silent, DUCK, ATTACK, RELEASE)
    expected = np.zeros(500, np.float32)
    expected[:300] = expected[400:] = np.float32(0.7071)
    np.testing.assert_array_equal(pm.dialogue, expected)
    assert pm.counts.tolist() == [500]
    with pytest.raises(ValueError):
        premix(500, [], silent[:499], silent, DUCK, ATTACK, RELEASE)


def test_a_song_ducks_deeper_than_the_music_and_sums_into_the_mix():
    rate, n = 48_000, 48_000 * 3
    line = np.full(rate, 0.1, np.float32)  # one second spoken, from 1 s
    bed = np.full((n, 2), 0.5, np.float32)
    silent = np.zeros((n, 2), np.float32)
    pm = premix(n, [(line, rate)], bed, silent, -10.0, ATTACK, RELEASE, song=bed.copy(), song_duck_db=-18.0)
    under = slice(int(1.5 * rate), int(1.6 * rate))  # well inside the line: both fully ducked
    music_db = 20 * np.log10(pm.music[under, 0] / 0.5)
    song_db = 20 * np.log10(pm.song[under, 0] / 0.5)
    np.testing.assert_allclose(music_db, -10.0, atol=0.1)
    np.testing.assert_allclose(song_db, -18.0, atol=0.1)
    np.testing.assert_allclose(pm.song[:rate // 4], bed[:rate // 4])  # before the line, untouched
    np.testing.assert_allclose(pm.mix(), pm.dialogue[:, None] + pm.music + pm.effects + pm.song, rtol=1e-6)
    without = premix(n, [(line, rate)], bed, silent, -10.0, ATTACK, RELEASE)
    assert not without.song.any()


# -- loudness in pieces --------------------------------------------------------------------------------

def programme(seconds: float = 150.0, seed: int = 7) -> np.ndarray:
    """Speech over music, a near-silent stretch (the gates must act) and a loud climax."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    x = music_like(n, rng, 0.05)
    t = 1.0
    while t < seconds - 5:
        line = speech_like(rng.uniform(1, 4), rng)
        x[int(t * RATE):int(t * RATE) + len(line)] += line[:, None]
        t += len(line) / RATE + rng.uniform(0.3, 2)
    x[int(0.4 * n):int(0.55 * n)] *= 0.002
    x[int(0.8 * n):] *= 3.0
    return x


def test_programme_loudness_from_pieces_matches_the_whole_signal():
    x = programme()
    whole = loudness(x)
    one = programme_loudness([measure_blocks(x[: len(x) // SUB_BLOCK * SUB_BLOCK])])
    assert abs(one - loudness(x[: len(x) // SUB_BLOCK * SUB_BLOCK])) < 0.01
    cuts = [0, 13 * RATE + 4321, 61 * RATE + 17, 62 * RATE, 118 * RATE + 999, len(x)]  # one piece 1 s long
    pieces = [measure_blocks(x[a:b]) for a, b in zip(cuts, cuts[1:])]
    assert abs(programme_loudness(pieces) - whole) < 0.05
    gain = programme_gain(pieces, -16.0)
    assert abs(loudness(x * np.float32(gain)) - -16.0) < 0.05


def test_loudness_of_many_short_pieces_counts_their_partial_sub_blocks():
    """Pieces 2 s + 1 sample long each end in a one-sample sub-block: a block that spans one is
    three sub-blocks and a sample, and must be weighed as such (not as four full ones)."""
    x = music_like(40 * RATE, np.random.default_rng(0))
    cuts = list(range(0, len(x), 2 * RATE + 1)) + [len(x)]
    pieces = [measure_blocks(x[a:b]) for a, b in zip(cuts, cuts[1:])]
    assert all(c[-1] == 1 for _, c in pieces[:-1])
    assert abs(programme_loudness(pieces) - loudness(x)) < 0.01


def test_a_piece_measures_the_same_whatever_follows_it():
    """K-weighting is causal: the sums of a short piece (under 400 ms) are those of the same
    samples inside a longer one; the meter's padding for short signals must not leak in."""
    x = programme(3.0)
    short, _ = measure_blocks(x[: 3 * SUB_BLOCK])
    long, _ = measure_blocks(x)
    np.testing.assert_allclose(short, long[:3], rtol=1e-9)


def test_silence_and_short_programmes():
    silent = [measure_blocks(np.zeros((RATE, 2), np.float32))]
    assert programme_loudness(silent) == float("-inf") and programme_gain(silent, -16.0) == 1.0
    assert programme_loudness([]) == float("-inf")
    short = programme(10.0)[: int(0.25 * RATE)]
    assert abs(programme_loudness([measure_blocks(short)]) - loudness(short)) < 0.2


# -- the streaming limiter -------------------------------------------------------------------------

def loud_material(seconds: float, seed: int) -> np.ndarray:
    """Speech and music with bursts well over full scale."""
    rng = np.random.default_rng(seed)
    x = programme(seconds, seed)
    for _ in range(8):
        at, length = int(rng.integers(0, len(x) - RATE)), int(rng.integers(100, 20_000))
        x[at:at + length] *= rng.uniform(2, 6)
    return x


def stream(limiter: StreamingLimiter, x: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    out, at = [], 0
    while at < len(x):
        size = int(rng.choice([0, 1, 7, 333, 5000, 70_000, 150_000]))  # some over the internal step
        out.append(limiter.feed(x[at:at + size]))
        at += size
    return out + [limiter.flush()]


@pytest.mark.parametrize("seed, gain, ceiling", [(1, 1.0, -1.5), (2, 2.5, -1.0), (3, 0.6, -3.0)])
def test_streaming_limiter_equals_the_whole_signal_limiter(seed, gain, ceiling):
    x = loud_material(20.0, seed)
    reference = limit_whole(x, gain, ceiling)
    assert np.abs(reference - x * np.float32(gain)).max() > 0.1  # the limiter really works here
    outputs = stream(StreamingLimiter(gain, ceiling), x, np.random.default_rng(seed))
    out = np.concatenate(outputs)
    assert out.shape == x.shape and out.dtype == np.float32
    np.testing.assert_allclose(out, reference, atol=1e-5, rtol=0)
    assert true_peak_db(out) <= ceiling + 0.1


def test_streaming_limiter_catches_peaks_between_samples():
    """A 12 kHz tone at 45 degrees has its samples 3 dB under its peaks, and a click's ringing
    reaches past a quiet neighbour: both must be limited as the whole-signal limiter does."""
    n, ceiling = RATE, -1.0
    t = np.arange(n)
    x = np.repeat(0.1 * np.sin(2 * np.pi * 1000 * t / RATE)[:, None], 2, axis=1).astype(np.float32)  # shows the gain
    x[10_000:20_000, 0] = 1.1 * np.sin(np.pi / 2 * t[10_000:20_000] + np.pi / 4)
    x[1024, 1] = x[3071, 1] = 1.3  # at the edges of quiet stretches
    assert np.abs(x[10_000:20_000]).max() < 10 ** (ceiling / 20)  # no sample is over, only the waveform
    reference = limit_whole(x, 1.0, ceiling)
    for feed in (n, 4096, 333):
        limiter = StreamingLimiter(1.0, ceiling)
        out = np.concatenate([limiter.feed(x[a:a + feed]) for a in range(0, n, feed)] + [limiter.flush()])
        np.testing.assert_allclose(out, reference, atol=1e-5, rtol=0)
    assert true_peak_db(x) > ceiling + 2 and true_peak_db(reference) <= ceiling + 0.1


def test_streaming_limiter_holds_back_only_milliseconds():
    limiter = StreamingLimiter(1.0, -1.0)
    assert limiter.delay < 0.015 * RATE
    x = programme(2.0)
    first = limiter.feed(x)
    assert len(first) == len(x) - limiter.delay
    np.testing.assert_array_equal(np.concatenate([first, limiter.flush()]), x)  # quiet: untouched
    with pytest.raises(RuntimeError):
        limiter.feed(x)
    assert StreamingLimiter(1.0, -1.0).flush().shape == (0, 2)


def test_streaming_limiter_memory_does_not_grow_with_the_stream():
    rng = np.random.default_rng(4)
    second = loud_material(3.0, 5)[:RATE] * np.float32(3)
    limiter = StreamingLimiter(1.0, -1.0)
    tracemalloc.start()
    try:
        for _ in range(90):
            limiter.feed(second * np.float32(rng.uniform(0.5, 1.5)))
        limiter.flush()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20e6  # 90 s of stereo float32 would be 35 MB


# -- a cue fitted chunk by chunk ------------------------------------------------------------------

def source(seconds: float = 9.0) -> np.ndarray:
    """A click every beat at 120 bpm over a sustained chord: loops and fades show in every sample."""
    rng = np.random.default_rng(11)
    n = int(seconds * RATE)
    x = music_like(n, rng, 0.05)
    for beat in range(0, n, RATE // 2):
        x[beat:beat + 400] += 0.5
    return x


CASES = {  # span (s), bpm, fades, options
    "trim": (5.0, None, (1.0, 2.0), {}),
    "trim with start and stop": (3.0, None, (0.5, 0.5), {"start": RATE, "stop": 6 * RATE}),
    "loop without tempo": (31.0, None, (1.0, 1.0), {}),
    "loop on bars": (47.3, 120.0, (2.0, 3.0), {"downbeat": 0.25}),
    "loop short stop": (20.0, 120.0, (0.0, 0.0), {"start": RATE // 3, "stop": 4 * RATE}),
    "hit": (25.0, 120.0, (1.0, 2.0), {"hit": 3 * RATE + 123, "downbeat": 0.1}),
    "end on bar": (22.7, 120.0, (1.0, 0.0), {"end_on_bar": True}),
    "end on bar trimmed": (4.3, 120.0, (0.0, 0.0), {"end_on_bar": True}),
    "power fades": (19.0, 120.0, (1.5, 2.5), {"power_in": True, "power_out": True}),
    "short cue shrinks its fades": (0.7, 120.0, (2.0, 3.0), {}),
    "short looped cue": (0.3, None, (1.0, 1.0), {"start": 8 * RATE + RATE // 2}),
    "shorter than a chunk": (1.9, None, (0.3, 0.3), {}),
    "exact multiple of the chunk": (40.0, 120.0, (1.0, 1.0), {}),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("chunk", [2 * RATE, RATE + 7, 10 * RATE])
def test_chunked_cue_equals_fit_and_arrange(name, chunk):
    seconds, bpm, (fade_in, fade_out), options = CASES[name]
    track = source()
    span = int(seconds * RATE)
    expected, plan = fit_and_arrange(track, span, bpm, 0.8, fade_in, fade_out, **options)
    chunks, arrangement = fit_cue_chunks(track, span, bpm, 0.8, fade_in, fade_out, chunk=chunk, **options)
    chunks = list(chunks)
    assert arrangement == plan
    assert [len(c) for c in chunks[:-1]] == [chunk] * (len(chunks) - 1) and 0 < len(chunks[-1]) <= chunk
    got = np.concatenate(chunks)
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=1e-6, rtol=0)


def test_cases_cover_loops_trims_and_early_ends():
    """The table above exercises what it claims: loops with and without tempo, a bar-line end."""
    track = source()
    plans = {name: fit_and_arrange(track, int(s * RATE), bpm, 1.0, fi, fo, **opt)[1]
             for name, (s, bpm, (fi, fo), opt) in CASES.items()}
    assert len(plans["trim"].pieces) == 1 and len(plans["loop without tempo"].pieces) > 1
    assert len(plans["loop on bars"].pieces) > 1 and plans["loop on bars"].bar
    assert plans["end on bar"].end < int(22.7 * RATE)
    assert int(40.0 * RATE) % (2 * RATE) == 0 and int(1.9 * RATE) < 2 * RATE


def test_a_long_cue_is_fitted_in_bounded_memory():
    track = source()
    span, chunk = 20 * 60 * RATE, 10 * RATE
    tracemalloc.start()
    try:
        chunks, plan = fit_cue_chunks(track, span, 120.0, 0.8, 2.0, 3.0, chunk=chunk)
        total, loudest = 0, 0.0
        for piece in chunks:
            total += len(piece)
            loudest = max(loudest, float(np.abs(piece).max()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total == span and len(plan.pieces) > 100 and loudest > 0.3
    assert peak < 50e6  # the whole span would be 460 MB
