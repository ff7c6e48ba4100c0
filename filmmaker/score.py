"""The score stage of a build: each cue's source resolved, its audio fitted to its span, the cue sheet.

`FilmBuilder` drives it. Everything a cue can lack (a mood with no tracks, an unreadable file, a
MusicGen model that is not on disk) is found by `resolve`, before any work, as a positioned
problem. Sources are examined once (decoded, measured) and the result is kept in the cache by
the file's hash, so a rebuild reads a small record instead of the audio.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filmmaker.cache import Cache, content_key
from filmmaker.errors import Problem, RenderError, ResolveError
from filmmaker.plan import Plan, PlannedCue, Timing

if TYPE_CHECKING:
    import numpy as np

RATE = 48_000  # as render.audio; not imported from there, so a no-op rebuild never loads numpy

VERSIONS = {"cue": 4, "music": 2, "audioinfo": 2}
# Every source is matched to this loudness before its `volume`: stock masters differ by 4 dB and a
# generated or user track by anything, so `volume: 1` always means a bed 6 dB under the dialogue
# (lines are at -20 LUFS); ducking then takes it further down under each line.
MUSIC_LUFS = -26.0
CUE_SHEET_COLUMNS = ("cue", "source", "track", "licence", "in", "out", "duration", "source_in")


@dataclass(frozen=True)
class Source:
    """What a cue plays. For `generate` cues, path/bpm are known only once the music exists."""

    kind: str  # stock, library (a user folder), file, generate
    name: str  # the track's name, the file's name, or the prompt
    path: Path | None
    licence: str
    bpm: float | None = None
    downbeat: float = 0.0
    seconds: float | None = None


class Score:
    def __init__(self, plan: Plan, cache: Cache, file_hash):
        self.plan = plan
        self.sp = plan.screenplay
        self.cache = cache
        self.file_hash = file_hash
        self.sources: dict[int, Source] = {}
        self.generators: dict[int, Any] = {}  # cue index -> MusicGen

    # -- resolve -------------------------------------------------------------------------------

    def _problem(self, pc: PlannedCue, field: str, message: str) -> Problem:
        line, col = pc.cue.pos.get(field, pc.cue.pos.get("", (1, 1)))
        return Problem(self.sp.path, line, col, f"score[{pc.index}].{field}" if field else f"score[{pc.index}]",
                       message)

    def resolve(self) -> list[Problem]:
        problems = []
        for pc in self.plan.cues:
            try:
                self.sources[pc.index] = self._resolve_cue(pc)
            except _CueProblem as exc:
                problems.append(self._problem(pc, exc.field, exc.message))
        return problems

    def _resolve_cue(self, pc: PlannedCue) -> Source:
        cue = pc.cue
        if cue.generate:
            from filmmaker.backends.music.musicgen import MusicGen, check_installed, locate

            try:
                check_installed()
                gen = MusicGen(locate(cue.model))
            except ResolveError as exc:
                raise _CueProblem("model" if "model" in cue.pos else "generate", str(exc)) from None
            self.generators[pc.index] = gen
            return Source("generate", cue.generate, None, cue.licence or gen.licence, cue.bpm)
        if cue.mood:
            from filmmaker.backends.music.library import library, pick

            try:
                track = pick(library(self.sp.music_library), cue.mood, cue.track, cue.style)
            except ResolveError as exc:
                field = "track" if cue.track else "style" if cue.style else "mood"
                raise _CueProblem(field, str(exc)) from None
            from filmmaker.backends.music.stock import bundled

            # `source` says where the tempo came from; whether the track is bundled is what the sheet reports
            kind, field = ("stock" if track in bundled() else "library"), "mood"
            name, path, licence = track.name, track.path, track.licence
            bpm, downbeat = track.bpm, track.downbeat
        else:
            from filmmaker.backends.music.library import file_track

            try:
                track = file_track(cue.file)
            except ResolveError as exc:
                raise _CueProblem("file", str(exc)) from None
            kind, field, name, path = "file", "file", cue.file.name, cue.file
            licence, bpm, downbeat = cue.licence or track.licence, track.bpm, track.downbeat
        try:
            info = self.audio_info(path)
        except RenderError as exc:
            raise _CueProblem(field, f"{exc}; give an audio file ffmpeg can decode (WAV, FLAC, MP3, Ogg, "
                                     "Opus, M4A)") from None
        if not bpm:  # neither library, sidecar nor the cue says: what the sound says
            bpm, downbeat = info["bpm"], info["downbeat"]
        if cue.bpm:
            bpm = cue.bpm
        if cue.start >= info["seconds"]:
            raise _CueProblem("in", f"in-point {cue.start:g} s is past the end of {name} ({info['seconds']:.2f} s)")
        if cue.hit and not bpm:
            raise _CueProblem("hit", f"{name} has no steady beat to put on the shot; give the cue a `bpm`")
        return Source(kind, name, path, licence, bpm, downbeat, info["seconds"])

    def audio_info(self, path: Path) -> dict:
        """Length, tempo, first downbeat and key of an audio file, measured once per file content."""
        key = content_key({"kind": "audioinfo", "v": VERSIONS["audioinfo"], "sha256": self.file_hash(path)})
        cached = self.cache.get("audioinfo", key, ".json")
        if cached:
            return json.loads(cached.read_text())
        from filmmaker.backends.music.tempo import measure
        from filmmaker.render.audio import loudness
        from filmmaker.render.ffmpeg import decode_audio

        audio = decode_audio(path)
        if len(audio) < RATE // 10:
            raise RenderError(f"{path} holds no audio (or under 0.1 s of it)")
        found = measure(audio, RATE)
        info = {"seconds": len(audio) / RATE, "bpm": found.bpm, "downbeat": found.downbeat, "key": found.key,
                "lufs": loudness(audio)}
        with self.cache.put("audioinfo", key, ".json") as tmp:
            tmp.write_text(json.dumps(info))
        return info

    # -- spans and keys ------------------------------------------------------------------------

    def spans(self, timing: Timing) -> list[CueSpan]:
        def sample(frame: int) -> int:
            return round(frame * RATE / timing.fps)

        shots = [(sample(timing.starts[pc.first]), sample(timing.starts[pc.last] + timing.frames[pc.last]))
                 for pc in self.plan.cues]
        return overlap_adjacent(shots, self.sp.mix.crossfade, sample(timing.total_frames))

    def _hit_offset(self, pc: PlannedCue, timing: Timing, span: CueSpan) -> int | None:
        if not pc.cue.hit:
            return None
        index = next(ps.index for ps in self.plan.shots if ps.id == pc.cue.hit)
        return round(timing.starts[index] * RATE / timing.fps) - span.start

    def music_key(self, pc: PlannedCue, span: CueSpan) -> str:
        cue = pc.cue
        seconds = cue.duration or (cue.start + (span.end - span.start) / RATE)
        return content_key({"kind": "music", "v": VERSIONS["music"], "prompt": cue.generate, "seed": cue.seed,
                            "seconds": round(seconds, 3), "model": self.generators[pc.index].identity(self.file_hash)})

    def cue_key(self, pc: PlannedCue, timing: Timing, span: CueSpan) -> str:
        cue, source = pc.cue, self.sources[pc.index]
        origin = self.music_key(pc, span) if cue.generate else self.file_hash(source.path)
        return content_key({"kind": "cue", "v": VERSIONS["cue"], "source": origin, "samples": span.end - span.start,
                            "volume": cue.volume, "fade_in": cue.fade_in, "fade_out": cue.fade_out,
                            "crossfade": [span.crossfade_in, span.crossfade_out], "in": cue.start,
                            "out": cue.stop, "bpm": source.bpm, "downbeat": source.downbeat, "end": cue.end,
                            "hit": self._hit_offset(pc, timing, span)})

    # -- audio ---------------------------------------------------------------------------------

    def source_audio(self, pc: PlannedCue, span: CueSpan) -> tuple[np.ndarray, float | None, float, float]:
        """(audio (n, 2) at 48 kHz, bpm, downbeat, loudness in LUFS): decoded, or generated and kept in
        the cache."""
        import numpy as np

        source = self.sources[pc.index]
        if not pc.cue.generate:
            from filmmaker.render.ffmpeg import decode_audio

            return decode_audio(source.path), source.bpm, source.downbeat, self.audio_info(source.path)["lufs"]
        key = self.music_key(pc, span)
        if not self.cache.has("music", key, ".f32"):
            self._generate(pc, span, key)
        record = self.cache.record("music", key)
        audio = np.fromfile(self.cache.path("music", key, ".f32"), np.float32).reshape(-1, 2)
        return audio, pc.cue.bpm or record.get("bpm"), record.get("downbeat", 0.0), record["lufs"]

    def _generate(self, pc: PlannedCue, span: CueSpan, key: str) -> None:
        import numpy as np

        from filmmaker.backends.music.tempo import estimate_tempo
        from filmmaker.render.audio import loudness, resample

        cue = pc.cue
        seconds = cue.duration or (cue.start + (span.end - span.start) / RATE)
        audio, rate = self.generators[pc.index].generate(cue.generate, seconds, cue.seed)
        audio = _remove_rumble(resample(audio, rate))
        if audio.shape[1] == 1:
            audio = np.repeat(audio, 2, axis=1)
        bpm, downbeat = estimate_tempo(audio, RATE)
        meta = {"samples": len(audio), "bpm": bpm, "downbeat": downbeat, "lufs": loudness(audio)}
        with self.cache.put("music", key, ".f32", meta) as tmp:
            audio.astype(np.float32).tofile(tmp)

    def make_cue(self, pc: PlannedCue, timing: Timing, span: CueSpan) -> tuple[np.ndarray, bool]:
        """The cue's fitted audio (span samples, stereo), and whether it was made now."""
        import numpy as np

        from filmmaker.render.mix import fit_and_arrange

        key = self.cue_key(pc, timing, span)
        built = not self.cache.has("cue", key, ".f32")
        if built:
            cue = pc.cue
            audio, bpm, downbeat, level = self.source_audio(pc, span)
            if np.isfinite(level):
                audio = audio * np.float32(10 ** ((MUSIC_LUFS - level) / 20))
            if cue.hit and not bpm:
                raise RenderError(f"score[{pc.index}]: the generated music has no steady beat for `hit`; "
                                  "give the cue a `bpm`")
            fitted, plan = fit_and_arrange(
                audio, span.end - span.start, bpm, cue.volume, span.crossfade_in or cue.fade_in,
                span.crossfade_out or cue.fade_out, start=round(cue.start * RATE),
                stop=round(cue.stop * RATE) if cue.stop is not None else None, downbeat=downbeat,
                hit=self._hit_offset(pc, timing, span), end_on_bar=cue.end == "bar",
                power_in=span.crossfade_in is not None, power_out=span.crossfade_out is not None)
            meta = {"source_in": plan.pieces[0].src / RATE, "loops": len(plan.pieces) - 1, "bpm": bpm}
            with self.cache.put("cue", key, ".f32", meta) as tmp:
                fitted.astype(np.float32).tofile(tmp)
        return np.fromfile(self.cache.path("cue", key, ".f32"), np.float32).reshape(-1, 2), built

    # -- the cue sheet -------------------------------------------------------------------------

    def cue_sheet(self, timing: Timing) -> str:
        """CSV: one row per cue, times in the film as HH:MM:SS:FF, durations in seconds."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CUE_SHEET_COLUMNS)
        for pc, span in zip(self.plan.cues, self.spans(timing)):
            source = self.sources[pc.index]
            key = self.cue_key(pc, timing, span)
            record = self.cache.record("cue", key)
            self.cache.reference("cue", key)  # read for the sheet on every build: `cache gc` must keep it
            label = f"score[{pc.index}] {pc.cue.start_shot}-{pc.cue.end_shot}"
            writer.writerow([label, source.kind, source.name, source.licence, timecode(span.start, timing.fps),
                             timecode(span.end, timing.fps), f"{(span.end - span.start) / RATE:.3f}",
                             f"{record.get('source_in', pc.cue.start):.3f}"])
        return out.getvalue()


@dataclass(frozen=True)
class CueSpan:
    """Where a cue sounds in the film, in samples, and the crossfades that replace its own fades."""

    start: int
    end: int
    crossfade_in: float | None = None  # seconds, equal-power, centred on the cut into this cue
    crossfade_out: float | None = None


def overlap_adjacent(spans: list[tuple[int, int]], seconds: float, total: int, rate: int = RATE) -> list[CueSpan]:
    """Cues that abut (one ends where the next starts) overlap by `seconds`, centred on the cut.

    The overlap is at most half of either cue, so a short cue is never swallowed by its neighbours.
    """
    out = []
    for i, (start, end) in enumerate(spans):
        before = [j for j, s in enumerate(spans) if j != i and s[1] == start]
        after = [j for j, s in enumerate(spans) if j != i and s[0] == end]
        new_start, new_end, xf_in, xf_out = start, end, None, None
        if seconds > 0 and before:
            half = min(int(seconds * rate / 2), *((spans[j][1] - spans[j][0]) // 2 for j in before + [i]))
            new_start, xf_in = max(0, start - half), 2 * half / rate
        if seconds > 0 and after:
            half = min(int(seconds * rate / 2), *((spans[j][1] - spans[j][0]) // 2 for j in after + [i]))
            new_end, xf_out = min(total, end + half), 2 * half / rate
        out.append(CueSpan(new_start, new_end, xf_in, xf_out))
    return out


class _CueProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def timecode(sample: int, fps) -> str:
    """Non-drop-frame timecode at the film's nominal rate (29.97 counts as 30, as editors read it)."""
    nominal = round(float(fps))
    frames = round(sample / RATE * float(fps))
    seconds, ff = divmod(frames, nominal)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{ff:02d}"


def _remove_rumble(audio: np.ndarray) -> np.ndarray:
    """A 20 Hz high-pass: a codec's DC offset and subsonic drift would only eat headroom."""
    import numpy as np
    from scipy.signal import butter, sosfiltfilt

    sos = butter(2, 20.0, "highpass", fs=RATE, output="sos")
    return sosfiltfilt(sos, audio, axis=0).astype(np.float32)
