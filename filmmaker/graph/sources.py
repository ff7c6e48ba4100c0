"""What each score cue plays, found before any work: a bundled or user library track, a file, or
music a model generates (MusicGen). Sources are examined once (decoded, measured) and the result
kept in the cache by the file's hash, so a rebuild reads a small record instead of the audio.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from filmmaker.cache import Cache
from filmmaker.errors import Problem, RenderError, ResolveError
from filmmaker.graph.measure import measured
from filmmaker.graph.song import SongFacts, SongProblem, resolve_song
from filmmaker.plan import Plan, PlannedCue
from filmmaker.render.levels import RATE

AUDIOINFO_VERSION = 4


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
    model: Path | None = None  # the MusicGen checkpoint of a `generate` cue, the model of a `song`
    model_identity: dict | None = None
    song: SongFacts | None = None  # a song cue's words, length and model


class _CueProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def cue_problem(plan: Plan, pc: PlannedCue, field: str, message: str) -> Problem:
    line, col = pc.cue.pos.get(field, pc.cue.pos.get("", (1, 1)))
    if field.startswith("song.") and pc.cue.song is not None:  # a key of the song's own mapping
        line, col = pc.cue.song.pos.get(field[5:], pc.cue.pos.get("song", (line, col)))
    return Problem(plan.screenplay.path, line, col, f"score[{pc.index}].{field}" if field else f"score[{pc.index}]",
                   message)


def resolve_sources(plan: Plan, cache: Cache, file_hash) -> tuple[dict[int, Source], list[Problem]]:
    from concurrent.futures import ThreadPoolExecutor

    sources, problems = {}, []
    # a first build measures each track by decoding it in ffmpeg: side by side, not one after another
    with ThreadPoolExecutor(max_workers=min(4, max(1, len(plan.cues)))) as pool:
        futures = [(pc, pool.submit(_resolve_cue, plan, pc, cache, file_hash)) for pc in plan.cues]
    for pc, future in futures:
        try:
            sources[pc.index] = future.result()
        except _CueProblem as exc:
            problems.append(cue_problem(plan, pc, exc.field, exc.message))
    return sources, problems


def _resolve_cue(plan: Plan, pc: PlannedCue, cache: Cache, file_hash) -> Source:
    cue = pc.cue
    if cue.song:
        try:
            facts = resolve_song(plan, pc, file_hash)
        except SongProblem as exc:
            raise _CueProblem(exc.field, exc.message) from None
        return Source("song", cue.song.style, None, cue.licence or facts.licence, cue.bpm or facts.bpm,
                      seconds=facts.seconds, model=facts.folder, model_identity=facts.identity, song=facts)
    if cue.generate:
        from filmmaker.backends.music.musicgen import MusicGen, check_installed, locate

        try:
            check_installed()
            gen = MusicGen(locate(cue.model))
        except ResolveError as exc:
            raise _CueProblem("model" if "model" in cue.pos else "generate", str(exc)) from None
        return Source("generate", cue.generate, None, cue.licence or gen.licence, cue.bpm, model=gen.folder,
                      model_identity=gen.identity(file_hash))
    if cue.mood:
        from filmmaker.backends.music.library import library, pick
        from filmmaker.backends.music.stock import bundled

        try:
            track = pick(library(plan.screenplay.music_library), cue.mood, cue.track, cue.style)
        except ResolveError as exc:
            field = "track" if cue.track else "style" if cue.style else "mood"
            raise _CueProblem(field, str(exc)) from None
        # the track's `source` says where its tempo came from; whether it is bundled is what the sheet reports
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
        info = audio_info(path, cache, file_hash)
        if not bpm:  # neither library nor sidecar says: what the sound says
            measured = audio_info(path, cache, file_hash, tempo=True)
            bpm, downbeat = measured["bpm"], measured["downbeat"]
    except RenderError as exc:
        raise _CueProblem(field, f"{exc}; give an audio file ffmpeg can decode (WAV, FLAC, MP3, Ogg, "
                                 "Opus, M4A)") from None
    if cue.bpm:
        bpm = cue.bpm
    if cue.start >= info["seconds"]:
        raise _CueProblem("in", f"in-point {cue.start:g} s is past the end of {name} ({info['seconds']:.2f} s)")
    if cue.hit and not bpm:
        raise _CueProblem("hit", f"{name} has no steady beat to put on the shot; give the cue a `bpm`")
    return Source(kind, name, path, licence, bpm, downbeat, info["seconds"])


def audio_info(path: Path, cache: Cache, file_hash, tempo: bool = False) -> dict:
    """Length of an audio file (with `tempo`, its tempo and first downbeat, which a track whose tempo
    is known never needs), measured once per content."""

    def measure() -> dict:
        from filmmaker.render.ffmpeg import decode_audio

        audio = decode_audio(path)
        if len(audio) < RATE // 10:
            raise RenderError(f"{path} holds no audio (or under 0.1 s of it)")
        if tempo:
            from filmmaker.backends.music.tempo import estimate_tempo

            bpm, downbeat = estimate_tempo(audio, RATE)
            return {"bpm": bpm, "downbeat": downbeat}
        return {"seconds": len(audio) / RATE}  # its loudness is measured where the cue is made

    return measured(cache, "tempo" if tempo else "audioinfo", AUDIOINFO_VERSION, path, file_hash, measure)
