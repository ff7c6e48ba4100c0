"""Sound measured, not trusted: cue fitting, loop points, clicks, fades, ducking, loudness, trimming, the mix."""

from __future__ import annotations

import numpy as np
import pytest

from filmmaker.render.audio import RATE, duck_envelope, fade, loudness, normalize, place, trim_silence, true_peak_db
from filmmaker.render.mix import LOOP_CROSSFADE, MixInput, fit_cue, loop_length, mix_film

XF = int(LOOP_CROSSFADE * RATE)


# -- measuring tools -------------------------------------------------------------------------------

def db(x):
    return 20 * np.log10(np.maximum(np.abs(x), 1e-12))


def max_jump(audio: np.ndarray) -> float:
    """The largest sample-to-sample step, any channel: what a click looks like."""
    return float(np.abs(np.diff(audio, axis=0)).max())


def true_peak_8x(audio: np.ndarray) -> float:
    """An independent true-peak estimate (8x FFT oversampling, not the code's 4x polyphase)."""
    from scipy.signal import resample

    up = resample(audio.astype(np.float64), len(audio) * 8, axis=0)
    return float(db(np.abs(up).max()))


def windowed_rms_db(audio: np.ndarray, window: int) -> np.ndarray:
    n = len(audio) // window
    frames = audio[: n * window].reshape(n, window, -1)
    return 10 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=(1, 2)) + 1e-24)


# -- signals -----------------------------------------------------------------------------------------

def tone(seconds: float, freq: float = 440.0, amp: float = 0.1, stereo: bool = False) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    mono = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([mono, mono], axis=1) if stereo else mono


def click_track(seconds: float = 5.0, bpm: float = 120.0) -> np.ndarray:
    """Stereo 'music' with a beat: Hann-windowed 1 kHz bursts on every beat over two inharmonic tones.

    The tones' frequencies are not whole cycles per bar and a slow swell runs under everything, so
    no two bars are alike: a window of the source only matches itself, one loop period away.
    """
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    swell = 0.6 + 0.4 * t / seconds
    left = swell * (0.15 * np.sin(2 * np.pi * 221.3 * t) + 0.08 * np.sin(2 * np.pi * 331.7 * t + 1.0))
    right = swell * (0.15 * np.sin(2 * np.pi * 219.1 * t + 0.5) + 0.08 * np.sin(2 * np.pi * 333.9 * t))
    burst_len = int(0.02 * RATE)
    burst = (0.3 * np.hanning(burst_len) * np.sin(2 * np.pi * 1000 * np.arange(burst_len) / RATE))
    beat = 60.0 / bpm * RATE
    k = 0
    while round(k * beat) + burst_len <= n:
        s = int(round(k * beat))
        left[s:s + burst_len] += burst
        right[s:s + burst_len] += burst
        k += 1
    return np.stack([left, right], axis=1).astype(np.float32)


@pytest.fixture(scope="module")
def stock():
    """Twenty seconds of the first calm stock track, decoded as the build decodes it, and its tempo."""
    from filmmaker.backends.music.stock import pick_track
    from filmmaker.render.ffmpeg import decode_audio

    track = pick_track("calm", None)
    audio = decode_audio(track.path, duration=20)
    assert audio.shape == (20 * RATE, 2) and track.bpm
    return audio, track.bpm


# -- fit_cue: length ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seconds", [0.013, 1.0, 3.3, 4.99, 5.0, 5.01, 7.77, 12.0, 31.4])
def test_fit_cue_gives_exactly_the_span_synthetic(seconds):
    track = click_track(5.0)
    span = int(seconds * RATE)
    out = fit_cue(track, span, 120.0, 0.5, 1.0, 2.0)
    assert out.shape == (span, 2)
    assert out.dtype == np.float32
    assert np.isfinite(out).all()


@pytest.mark.parametrize("seconds", [2.5, 19.99, 20.0, 20.5, 47.3, 95.0])
def test_fit_cue_gives_exactly_the_span_stock(stock, seconds):
    audio, bpm = stock
    span = int(seconds * RATE)
    out = fit_cue(audio, span, bpm, 0.5, 1.0, 2.0)
    assert out.shape == (span, 2)
    assert np.isfinite(out).all()
    if span < 5 * RATE:
        return
    # a looped cue is music all the way through: no dead stretch where a repeat failed to land
    level = windowed_rms_db(out[int(1.0 * RATE): span - int(2.0 * RATE)], RATE // 10)
    assert level.min() > -50, f"a silent 100 ms stretch inside the cue ({level.min():.1f} dB)"


def test_fit_cue_trims_a_longer_track_unchanged_between_the_fades():
    track = click_track(5.0)
    span = int(3.0 * RATE)
    out = fit_cue(track, span, 120.0, 0.5, 1.0, 1.0)
    middle = slice(int(1.0 * RATE), int(2.0 * RATE))
    np.testing.assert_allclose(out[middle], 0.5 * track[middle], atol=1e-6)


# -- loop points -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bpm", [60.0, 68.0, 97.0, 120.0, 133.3, 174.0])
@pytest.mark.parametrize("seconds", [4.5, 9.5, 19.5, 61.0])
def test_loop_length_is_the_longest_whole_number_of_bars(bpm, seconds):
    n = int(seconds * RATE)
    bar = 4 * 60.0 / bpm * RATE
    loop = loop_length(n, bpm)
    if n < bar:
        assert loop == n  # shorter than a bar: the whole thing
        return
    bars = loop / bar
    assert abs(bars - round(bars)) * bar <= 0.5, f"{bars} bars is not a whole number"
    assert round(bars) >= 1
    assert loop <= n < loop + bar  # the longest that fits


def test_loop_length_without_tempo_is_everything():
    assert loop_length(123_457, None) == 123_457
    assert loop_length(123_457, 0) == 123_457


def assert_repeats_with_period(out, source, loop, volume, repeats, skip):
    """After each join's crossfade, the output is the source again, from the same offset."""
    width = int(0.5 * RATE)
    for k in range(1, repeats + 1):
        at = k * loop + XF + skip  # past the crossfade at the k-th join
        if at + width > len(out):
            break
        expected = volume * source[XF + skip: XF + skip + width]
        np.testing.assert_allclose(out[at:at + width], expected, atol=1e-5,
                                   err_msg=f"repeat {k} does not match the source at period {loop}")
    # and the match is specific: a beat off either way is a different stretch of music
    beat = loop // 8
    for wrong in (loop - beat, loop + beat):
        at = wrong + XF + skip
        mismatch = np.abs(out[at:at + width] - volume * source[XF + skip: XF + skip + width]).max()
        assert mismatch > 1e-2, f"the source is too regular for this test (matches at {wrong})"


def test_synthetic_cue_loops_on_bar_lines():
    track = click_track(5.0, 120.0)  # bars of 2 s: 96 000 samples
    span = int(12.0 * RATE)
    out = fit_cue(track, span, 120.0, 0.8, 0.0, 0.0)
    loop = loop_length(len(track) - XF, 120.0)
    assert loop == 2 * 96_000  # two whole bars fit in 5 s less the crossfade
    assert_repeats_with_period(out, track, loop, 0.8, repeats=5, skip=int(0.1 * RATE))
    # inside the crossfade the outgoing tail runs past the bar line while the head comes in
    i = XF // 2
    w = np.sqrt(np.float32(i / (XF - 1)))
    tail = np.sqrt(np.float32(1 - i / (XF - 1)))
    expected = 0.8 * (tail * track[loop + i] + w * track[i])
    np.testing.assert_allclose(out[loop + i], expected, atol=1e-3)


def test_stock_cue_loops_on_bar_lines(stock):
    audio, bpm = stock
    span = int(60.0 * RATE)
    out = fit_cue(audio, span, bpm, 0.5, 0.0, 0.0)
    loop = loop_length(len(audio) - XF, bpm)
    bar = 4 * 60.0 / bpm * RATE
    assert abs(loop / bar - round(loop / bar)) * bar <= 0.5 and loop >= bar
    assert_repeats_with_period(out, audio, loop, 0.5, repeats=3, skip=int(0.2 * RATE))


# -- clicks ------------------------------------------------------------------------------------------

def join_windows(loop: int, span: int, margin: int):
    k = 1
    while k * loop < span:
        yield slice(max(0, k * loop - margin), min(span, k * loop + XF + margin))
        k += 1


def test_synthetic_loop_joins_and_edges_do_not_click():
    track = click_track(5.0, 120.0)
    span = int(14.3 * RATE)
    volume = 0.8
    out = fit_cue(track, span, 120.0, volume, 0.5, 0.5)
    source_jump = volume * max_jump(track)
    loop = loop_length(len(track) - XF, 120.0)
    # a hard splice between unrelated stretches of these tones steps by ~0.3; the source by ~0.05
    for window in join_windows(loop, span, 200):
        jump = max_jump(out[window])
        assert jump <= 1.5 * source_jump, f"click at the join {window}: {jump:.4f} vs {source_jump:.4f}"
    assert max_jump(out) <= 1.5 * source_jump
    # the cue starts and ends at silence and leaves it gently
    assert np.abs(out[0]).max() < 1e-6 and np.abs(out[-1]).max() < 1e-6
    assert np.abs(out[:48]).max() < 1e-3 and np.abs(out[-48:]).max() < 1e-3


def test_stock_loop_joins_and_edges_do_not_click(stock):
    audio, bpm = stock
    span = int(50.0 * RATE)
    out = fit_cue(audio, span, bpm, 0.5, 1.0, 2.0)
    source_jump = 0.5 * max_jump(audio)
    loop = loop_length(len(audio) - XF, bpm)
    for window in join_windows(loop, span, 200):
        jump = max_jump(out[window])
        assert jump <= 1.5 * source_jump, f"click at the join {window}: {jump:.4f} vs {source_jump:.4f}"
    assert np.abs(out[0]).max() < 1e-6 and np.abs(out[-1]).max() < 1e-6
    assert np.abs(out[:48]).max() < 1e-3 and np.abs(out[-48:]).max() < 1e-3


def test_short_track_loop_joins_do_not_click():
    track = click_track(0.9, 120.0)  # a sting shorter than two crossfades
    span = int(4.0 * RATE)
    out = fit_cue(track, span, 120.0, 1.0, 0.2, 0.2)
    assert max_jump(out) <= 1.5 * max_jump(track), (
        f"join clicks: max step {max_jump(out):.3f} vs {max_jump(track):.3f} inside the track")


# -- fades -------------------------------------------------------------------------------------------

def test_fade_starts_and_ends_at_zero_and_leaves_the_middle():
    audio = tone(3.0, 440.0, 0.5, stereo=True) + np.float32(0.25)  # a DC offset: the edges cannot be 0 by luck
    out = fade(audio, 0.5, 1.0)
    assert out.shape == audio.shape and out.dtype == np.float32
    assert np.abs(out[0]).max() < 1e-6 and np.abs(out[-1]).max() < 1e-6
    middle = slice(int(0.5 * RATE), int(2.0 * RATE))
    np.testing.assert_array_equal(out[middle], audio[middle])
    envelope = fade(np.ones(3 * RATE, np.float32), 0.5, 1.0)
    assert abs(envelope[int(0.25 * RATE)] - 0.5) < 1e-3  # raised cosine: half way at half the fade
    assert abs(envelope[-int(0.5 * RATE)] - 0.5) < 1e-3
    assert np.all(np.diff(envelope[: int(0.5 * RATE)]) >= 0)
    assert np.all(np.diff(envelope[-RATE:]) <= 0)
    # no step anywhere: a raised cosine over 0.5 s moves by at most pi/2 / 24 000 per sample
    assert max_jump(envelope) < 1.1 * np.pi / 2 / (0.5 * RATE)


def test_fit_cue_fades_and_short_cue_shrinks_them():
    flat = np.ones((10 * RATE, 2), np.float32)
    out = fit_cue(flat, 4 * RATE, None, 0.5, 1.0, 2.0)
    assert out[0].max() < 1e-6 and out[-1].max() < 1e-6
    np.testing.assert_allclose(out[int(1.5 * RATE)], 0.5, atol=1e-6)  # between the fades: the volume
    np.testing.assert_allclose(out[int(0.5 * RATE)], 0.25, atol=1e-3)
    # one second asked for 1 s in + 2 s out: both shrink to a third and two thirds
    short = fit_cue(flat, RATE, None, 1.0, 1.0, 2.0)
    assert short.shape == (RATE, 2)
    assert abs(np.argmax(short[:, 0]) / RATE - 1 / 3) < 0.01
    assert short[0].max() < 1e-6 and short[-1].max() < 1e-6
    assert short.max() > 0.99


# -- ducking -----------------------------------------------------------------------------------------

LINE_START, LINE_END, FILM = 4.0, 6.0, 10.0


def ducked_music():
    """A steady tone under a 2 s line; returns the music's gain in dB per 1 ms, measured from the audio."""
    n = int(FILM * RATE)
    music = tone(FILM, 440.0, 0.3, stereo=True)
    speaking = np.zeros(n, bool)
    speaking[int(LINE_START * RATE):int(LINE_END * RATE)] = True
    gain = duck_envelope(speaking, -10.0)
    assert gain.shape == (n,) and gain.dtype == np.float32
    ducked = music * gain[:, None]
    window = RATE // 1000  # the envelope's own 1 ms steps; the RMS ratio cancels the tone's ripple
    return windowed_rms_db(ducked, window) - windowed_rms_db(music, window)


def at_ms(curve, seconds):
    return float(curve[int(round(seconds * 1000))])


def test_music_ducks_by_the_depth_under_a_line():
    curve = ducked_music()
    assert abs(at_ms(curve, 1.0)) < 0.05, "music is ducked long before any line"
    # the look-ahead is three attack time constants (0.24 s): before that, nothing moves
    assert abs(at_ms(curve, LINE_START - 0.3)) < 0.1, "the dip starts too early"
    during = curve[int((LINE_START + 0.15) * 1000):int(LINE_END * 1000)]
    assert np.all(np.abs(during + 10.0) <= 2.0), (
        f"gain during the line spans {during.min():.2f}..{during.max():.2f} dB, wanted -10 +- 2")
    assert abs(np.median(during) + 10.0) <= 0.5
    # it is already on its way down when the first word starts (look-ahead)
    assert at_ms(curve, LINE_START) < -3.0, f"no dip at the line start: {at_ms(curve, LINE_START):.2f} dB"


def test_dip_is_complete_when_the_line_begins():
    curve = ducked_music()
    onset = at_ms(curve, LINE_START)
    assert abs(onset + 10.0) <= 2.0, f"gain at the first word is {onset:.2f} dB, wanted -10 +- 2"


def test_music_comes_back_gently_after_the_line():
    curve = ducked_music()
    assert at_ms(curve, LINE_END - 0.001) < -9.0, "the music came back before the line ended"
    after = curve[int(LINE_END * 1000):]
    assert np.all(np.diff(after) >= -1e-3), "the release is not monotonic"
    back = np.argmax(after >= -1.0) / 1000  # seconds after the line until within 1 dB of full level
    tau = 0.45
    # one-pole release with a 0.45 s time constant: -10 dB * e^(-t/tau) reaches -1 dB at tau * ln 10
    assert tau <= back <= 5 * tau, f"music back within 1 dB {back:.3f} s after the line"
    assert abs(back - tau * np.log(10)) < 0.1
    assert abs(at_ms(curve, LINE_END + tau) - (-10.0 / np.e)) < 0.5  # one time constant: 63% recovered
    assert abs(at_ms(curve, FILM - 0.01)) < 0.05


# -- loudness ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("amp", [0.001, 0.05, 0.3])
def test_normalize_hits_the_target_loudness(amp):
    audio = tone(5.0, 997.0, amp)
    out = normalize(audio, -20.0)
    assert out.dtype == np.float32 and out.shape == audio.shape
    measured = loudness(out)
    assert abs(measured + 20.0) <= 0.5, f"{measured:.2f} LUFS"
    # a pure tone at -20 LUFS peaks far below the ceiling: the gain is the loudness gain alone
    assert true_peak_8x(out) < -5.0


def test_normalize_stereo():
    audio = tone(5.0, 440.0, 0.02, stereo=True)
    measured = loudness(normalize(audio, -16.0))
    assert abs(measured + 16.0) <= 0.5, f"{measured:.2f} LUFS"


def test_loud_signal_is_held_under_the_peak_ceiling():
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(7)
    # band-limited noise (as real sound is: a 4x polyphase meter cannot see energy right at Nyquist)
    noise = sosfilt(butter(8, 16_000, fs=RATE, output="sos"), rng.normal(0, 0.3, (5 * RATE, 2)), axis=0)
    noise = noise.astype(np.float32)
    # inter-sample peaks: a tone at fs/4 with a 45 degree phase peaks between samples
    t = np.arange(5 * RATE)
    sharp = (0.9 * np.sin(np.pi / 2 * t + np.pi / 4)).astype(np.float32)
    for audio, target in ((noise, -8.0), (sharp, 0.0)):
        out = normalize(audio, target)
        assert true_peak_db(out) <= -1.0 + 1e-3
        assert true_peak_8x(out) <= -1.0 + 0.1, f"true peak {true_peak_8x(out):.3f} dBTP"
        assert loudness(out) < target  # it had to come down below the target to fit
    # the sharp tone's samples sit 3 dB under its true peak: only an oversampling meter sees it over
    assert db(np.abs(normalize(sharp, 0.0)).max()) < -3.5


def test_silence_is_left_alone():
    silence = np.zeros(RATE, np.float32)
    assert loudness(silence) == -np.inf
    np.testing.assert_array_equal(normalize(silence, -20.0), silence)


# -- trimming ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("onset", [1.0, 0.5037, 0.0])
def test_trim_silence_keeps_about_30_ms_of_air(onset):
    rng = np.random.default_rng(1)
    body = tone(1.2, 300.0, 0.3)
    lead, tail = int(onset * RATE), int(0.777 * RATE)
    floor = rng.normal(0, 10 ** (-70 / 20), lead + len(body) + tail).astype(np.float32)  # a -70 dB noise floor
    audio = floor.copy()
    audio[lead:lead + len(body)] += body
    out = trim_silence(audio)
    loud = np.nonzero(np.abs(out) > 0.01)[0]
    air_before = loud[0] / RATE
    air_after = (len(out) - 1 - loud[-1]) / RATE
    if onset:
        assert 0.02 <= air_before <= 0.045, f"{air_before * 1000:.1f} ms of air before"
    else:
        assert air_before < 0.001  # nothing to cut
    assert 0.02 <= air_after <= 0.045, f"{air_after * 1000:.1f} ms of air after"
    # what is kept is the original, untouched
    offset = int(np.argmax(np.abs(audio) > 0.01)) - loud[0]
    np.testing.assert_array_equal(out, audio[offset:offset + len(out)])


def test_trim_silence_of_silence_is_empty():
    rng = np.random.default_rng(2)
    assert len(trim_silence(np.zeros(RATE, np.float32))) == 0
    hiss = rng.normal(0, 10 ** (-60 / 20), (RATE, 2)).astype(np.float32)
    assert len(trim_silence(hiss)) == 0
    assert trim_silence(hiss).shape[1:] == (2,)


# -- the mix -----------------------------------------------------------------------------------------

def test_mix_film_hits_program_loudness_under_the_ceiling():
    rng = np.random.default_rng(3)
    seconds = 12.0
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    speaking = np.zeros(n, bool)
    dialogue = np.zeros(n, np.float32)
    for a, b in ((1.0, 3.5), (5.0, 8.0), (9.0, 11.0)):  # three 'lines': syllable-rate modulated vowels
        s, e = int(a * RATE), int(b * RATE)
        speaking[s:e] = True
        syllables = 0.5 - 0.5 * np.cos(2 * np.pi * 4 * (t[s:e] - a))
        dialogue[s:e] = (0.2 * syllables * (np.sin(2 * np.pi * 140 * t[s:e]) + 0.5 * np.sin(2 * np.pi * 560 * t[s:e])))
    music = np.stack([0.1 * np.sin(2 * np.pi * 220 * t), 0.1 * np.sin(2 * np.pi * 277 * t)], axis=1).astype(np.float32)
    effects = (rng.normal(0, 0.01, (n, 2))).astype(np.float32)
    out = mix_film(MixInput(dialogue, speaking, music, effects))
    assert out.shape == (n, 2) and out.dtype == np.float32
    measured = loudness(out)
    assert abs(measured + 16.0) <= 1.0, f"{measured:.2f} LUFS"
    assert true_peak_8x(out) <= -1.0 + 0.1, f"{true_peak_8x(out):.2f} dBTP"
    # the music really is ducked under the lines: compare a stretch with dialogue-free music
    # (channel 1 minus channel 0 cancels the centred dialogue)
    side = out[:, 1] - out[:, 0]
    under = np.sqrt(np.mean(side[int(6.0 * RATE):int(7.5 * RATE)] ** 2))
    clear = np.sqrt(np.mean(side[int(0.2 * RATE):int(0.9 * RATE)] ** 2))  # before the first line's look-ahead
    assert -12.0 <= db(under / clear) <= -8.0, f"music under a line: {db(under / clear):.1f} dB"


def test_mix_film_limits_peaky_material_and_still_meets_the_target():
    """Dialogue with sharp transients 30 dB over the vowels: the limiter holds -1 dBTP while the
    program still reaches its loudness target (plain gain would land several LU short)."""
    n = 8 * RATE
    t = np.arange(n) / RATE
    dialogue = (0.05 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    for at in np.arange(0.5, 7.5, 0.25):  # plosive-like 2 ms bursts, 30 dB over the vowel
        s = int(at * RATE)
        dialogue[s:s + 96] += (1.5 * np.hanning(96) * np.sin(2 * np.pi * 3000 * np.arange(96) / RATE))
    speaking = np.ones(n, bool)
    music = np.zeros((n, 2), np.float32)
    out = mix_film(MixInput(dialogue, speaking, music, music))
    assert true_peak_db(out) <= -1.0 + 1e-3
    assert true_peak_8x(out) <= -1.0 + 0.1, f"{true_peak_8x(out):.2f} dBTP"
    assert abs(loudness(out) + 16.0) <= 0.5, f"{loudness(out):.2f} LUFS"


@pytest.fixture(scope="module")
def real_mix(stock):
    """Three of the example's lines, spoken by piper, over the example's calm cue (volume 0.45), mixed."""
    from filmmaker.backends.voice import open_voice
    from filmmaker.cache import file_sha256
    from filmmaker.render.voice import speak
    from filmmaker.screenplay.model import VoiceSpec

    audio, bpm = stock
    n = 20 * RATE
    music = fit_cue(audio, n, bpm, 0.45, 1.0, 2.0)
    dialogue = np.zeros(n, np.float32)
    speaking = np.zeros(n, bool)
    pos = RATE
    for text, spec in (("Twelve hours to window. The weather over the Cape is finally clearing.",
                        VoiceSpec(pitch=-3, rate=0.92)),
                       ("Then we fly tonight. Tell the crew to get some sleep.", VoiceSpec(pitch=4, rate=1.05)),
                       ("It is climbing. Slowly, but it is climbing.", VoiceSpec(pitch=-3, rate=0.92))):
        line = speak(open_voice(spec, file_sha256), text, spec)
        place(dialogue, line, pos)
        speaking[pos:pos + len(line)] = True
        pos += len(line) + RATE
    return mix_film(MixInput(dialogue, speaking, music, np.zeros((n, 2), np.float32)))


def test_real_dialogue_over_stock_music_stays_under_the_ceiling(real_mix):
    assert real_mix.shape == (20 * RATE, 2)
    assert true_peak_8x(real_mix) <= -1.0 + 0.1, f"{true_peak_8x(real_mix):.2f} dBTP"


def test_real_dialogue_over_stock_music_mixes_to_program_loudness(real_mix):
    measured = loudness(real_mix)
    assert abs(measured + 16.0) <= 1.0, f"the mix measures {measured:.2f} LUFS, wanted -16 +- 1"


def test_master_returns_the_gain_its_output_was_made_with():
    """However many rounds the loudness takes (here it cannot get there: clicks fill the first
    half and the limiter fights every gain), the stems, scaled by the returned gain, must match the
    programme where the limiter left it alone."""
    from filmmaker.render.audio import master

    rng = np.random.default_rng(3)
    audio = (rng.standard_normal((48_000 * 8, 2)) * 0.002).astype(np.float32)
    audio[: 48_000 * 4: 240] = 0.9
    out, gain = master(audio, -16.0)
    untouched = slice(48_000 * 6, None)
    assert np.median(out[untouched, 0] / audio[untouched, 0]) == pytest.approx(gain, rel=1e-3)
