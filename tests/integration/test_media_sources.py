"""Footage with its own sound kept, and a score cue from the user's own audio file."""

from __future__ import annotations

import subprocess
import textwrap

import numpy as np

from filmmaker.build import build_film
from filmmaker.plan import plan_film
from filmmaker.render.ffmpeg import decode_audio, ffmpeg_exe
from filmmaker.screenplay import load_screenplay


def tone_level(audio: np.ndarray, freq: float, rate: int = 48_000) -> float:
    """Amplitude of one sine component (a single-bin DFT), in dB."""
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    t = np.arange(len(mono)) / rate
    amplitude = 2 * abs(np.mean(mono * np.exp(-2j * np.pi * freq * t)))
    return 20 * np.log10(amplitude + 1e-12)


def test_kept_footage_sound_and_a_file_cue_are_in_the_mix(tmp_path):
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4",
                    "-f", "lavfi", "-i", "sine=frequency=1000:duration=4:sample_rate=44100",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    str(tmp_path / "street.mp4")], check=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=frequency=330:duration=1.5",
                    str(tmp_path / "theme.wav")], check=True)
    (tmp_path / "film.yaml").write_text(textwrap.dedent("""\
        title: Street Sound
        format: {width: 320, height: 180, fps: 25}
        scenes:
          - heading: EXT. STREET - DAY
            shots:
              - id: street
                picture: {footage: street.mp4, in: 0.5, keep_audio: true}
              - id: quiet
                picture: {footage: street.mp4, in: 0.5}
              - id: card
                picture: {card: Theme}
                duration: 3
        score:
          - {from: card, to: card, file: theme.wav, volume: 0.8, fade_in: 0.2, fade_out: 0.2}
        """))
    plan = plan_film(load_screenplay(tmp_path / "film.yaml"))
    report = build_film(plan, tmp_path / "out")
    timing = report.timing
    assert timing.frames == (88, 88, 75)  # footage shots run their usable 3.5 s
    audio = decode_audio(report.film)
    spans = [(timing.seconds(s), timing.seconds(s + n)) for s, n in zip(timing.starts, timing.frames)]
    level = lambda span, f: tone_level(audio[int(span[0] * 48000) + 4800:int(span[1] * 48000) - 4800], f)
    assert level(spans[0], 1000) > level(spans[1], 1000) + 30  # kept in shot 1, dropped in shot 2
    assert level(spans[2], 330) > level(spans[1], 330) + 30  # the file cue plays under the card only
    # the 1.5 s file was looped to fill its 3 s cue: still sounding in the cue's last second
    last_second = audio[int((spans[2][1] - 1.0) * 48000):int((spans[2][1] - 0.3) * 48000)]
    assert tone_level(last_second, 330) > level(spans[1], 330) + 30


def test_footage_shorter_than_its_shot_holds_its_last_frame_with_a_warning(tmp_path):
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(tmp_path / "short.mp4")], check=True)
    (tmp_path / "film.yaml").write_text(textwrap.dedent("""\
        title: Held
        format: {width: 160, height: 90, fps: 25}
        scenes:
          - heading: INT. ROOM - DAY
            shots:
              - id: held
                picture: {footage: short.mp4, in: 1.0}
                duration: 2
        """))
    report = build_film(plan_film(load_screenplay(tmp_path / "film.yaml")), tmp_path / "out")
    assert report.frames == 50
    assert len(report.warnings) == 1 and "shot 'held'" in report.warnings[0] and "held" in report.warnings[0]


def test_an_out_point_past_the_footage_fails_before_any_work(tmp_path):
    """It once reached the encoder, which read no frames past the clip's end and waited for ever."""
    import sys

    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(tmp_path / "short.mp4")], check=True)
    (tmp_path / "film.yaml").write_text(textwrap.dedent("""\
        title: Too Long
        format: {width: 320, height: 180, fps: 25}
        scenes:
          - heading: EXT. STREET - DAY
            shots:
              - id: street
                picture: {footage: short.mp4, in: 0.5, out: 6}
        """))
    result = subprocess.run([sys.executable, "-m", "filmmaker", "build", str(tmp_path / "film.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "film.yaml:7:" in result.stderr and "scenes[0].shots[0].picture: out-point 6 s is past the end" in \
        result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / ".filmmaker" / "cache" / "segment").exists()
