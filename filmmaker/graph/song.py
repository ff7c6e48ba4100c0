"""Song cues: the song's words found (a file, inline, or drafted by a language model), its engine
and model checked at resolve time, and the song made by a `song` node, resumably.

A song's length does not follow the cut: it is sized from the cue's words and shot durations
(never the voices' speed or the pictures) with room to spare, and the cue then fits it to its
span. So a recast or a picture change never regenerates a song; only what the song is made of
does (engine, model files, style, lyrics, seed, length, tempo, key, priming clip).

While a song is made, each step the engine finishes (a window of audio, a level of tokens) is
stored in the cache under a key of its own; a build killed midway resumes from those steps and
makes the same bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from filmmaker.cache import Cache, content_key
from filmmaker.errors import RenderError, ResolveError
from filmmaker.graph.node import Node
from filmmaker.plan import EMPTY_SHOT, GAP, LEAD_IN, TAIL, WORDS_PER_SECOND, Plan, PlannedCue

VERSION = 1
SONG_HEAVY = "music"  # the lane of the heavy music models: one worker holds them
ROOM = 1.25  # a song is made this much longer than the words suggest: slower voices still fit
GRID = 5.0  # seconds: song lengths are whole multiples of this
MIN_PRIME_SECONDS = 1.0
_BPM_IN_STYLE = re.compile(r"(\d{2,3}(?:\.\d+)?)\s*bpm\b", re.I)


@dataclass(frozen=True)
class SongFacts:
    """What a song cue's node is made from, found at resolve time."""

    engine: str
    folder: Path
    identity: dict
    licence: str
    lyrics: str
    lyrics_file: Path | None
    seconds: float
    bpm: float | None
    prime_hash: str | None


def song_seconds(plan: Plan, pc: PlannedCue) -> float:
    """Seconds to generate: `duration`, else the cue's shots as their words and durations suggest
    at the bundled voice's pace, with room, plus the fade's tail, on a coarse grid."""
    song = pc.cue.song
    if song.duration:
        return float(song.duration)
    estimate = 0.0
    for ps in plan.shots[pc.first:pc.last + 1]:
        if ps.shot.duration is not None:
            estimate += ps.shot.duration
        elif not ps.lines:
            estimate += EMPTY_SHOT
        else:
            estimate += LEAD_IN + TAIL - GAP + sum(
                len(pl.line.text.split()) / WORDS_PER_SECOND + pl.line.pause_before + pl.line.pause_after + GAP
                for pl in ps.lines)
    return GRID * math.ceil((estimate * ROOM + pc.cue.fade_out) / GRID)


def song_bpm(song) -> float | None:
    """The tempo to sing at: `bpm`, else one named in the style ("92 bpm"), else the engine's own."""
    if song.bpm:
        return float(song.bpm)
    match = _BPM_IN_STYLE.search(song.style)
    return float(match.group(1)) if match and 20 <= float(match.group(1)) <= 300 else None


class SongProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def resolve_song(plan: Plan, pc: PlannedCue, file_hash) -> SongFacts:
    """Everything a song cue needs, checked before any work; a problem names the song's field."""
    from filmmaker.backends.music import song as engines

    song = pc.cue.song
    try:
        engines.check_installed(song.engine)
    except ResolveError as exc:
        raise SongProblem("song.engine", str(exc)) from None
    module = _engine_module(song.engine)
    try:
        folder = module.locate(song.model)
        module.check_folder(folder)
    except ResolveError as exc:
        raise SongProblem("song.model" if "model" in song.pos else "song.engine", str(exc)) from None
    engine = open_engine(song.engine, folder)
    lyrics = _lyrics(plan, pc)
    problem = engine.lyrics_problem(lyrics)
    if problem:
        raise SongProblem("song.lyrics", problem)
    prime_hash = None
    if song.prime is not None:
        _check_prime(song.prime)
        prime_hash = file_hash(song.prime)
    return SongFacts(song.engine, folder, engine.identity(file_hash), engine.licence, lyrics, song.lyrics_file,
                     song_seconds(plan, pc), song_bpm(song), prime_hash)


def open_engine(engine: str, folder: Path, device: str | None = None, window: float | None = None):
    """The engine for a checked model folder (heavy imports happen on first generation). `window`:
    seconds an engine that makes audio window by window makes per resumable step."""
    if engine == "ace-step":
        from filmmaker.backends.music.acestep import AceStep

        return AceStep(folder, device, window_seconds=window)
    from filmmaker.backends.music.jukebox import Jukebox

    return Jukebox(folder, device)


def _engine_module(engine: str):
    if engine == "ace-step":
        from filmmaker.backends.music import acestep

        return acestep
    from filmmaker.backends.music import jukebox

    return jukebox


def _check_prime(path: Path) -> None:
    from filmmaker.render.ffmpeg import decode_audio

    try:
        audio = decode_audio(path)
    except RenderError as exc:
        raise SongProblem("song.continue", f"{path} is not audio ffmpeg can decode ({exc}); give a WAV, FLAC, "
                                           "MP3, Ogg or M4A clip") from None
    if len(audio) < MIN_PRIME_SECONDS * 48_000:
        raise SongProblem("song.continue", f"{path} holds {len(audio) / 48_000:.2f} s of audio; a song carries on "
                                           f"a clip of at least {MIN_PRIME_SECONDS:g} s: give a longer one")


def _lyrics(plan: Plan, pc: PlannedCue) -> str:
    from filmmaker.backends.music.lyrics import read_lyrics

    song = pc.cue.song
    if song.draft and not song.lyrics_file.is_file():
        draft_for_cue(plan, pc)
    if song.lyrics_file is not None:
        try:
            return read_lyrics(song.lyrics_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise SongProblem("song.lyrics", f"cannot read {song.lyrics_file}: {exc}; save it as UTF-8 text") from None
    return song.lyrics


def draft_for_cue(plan: Plan, pc: PlannedCue, seed: int | None = None) -> tuple[Path, str, bool]:
    """Draft the cue's lyrics with its `lyrics_model` into its draft file, unless the writer edited
    that file: (the file, the lyrics now in it, whether a new draft was written)."""
    from filmmaker.backends.music import lyrics as drafting
    from filmmaker.screenplay.song import draft_path

    song = pc.cue.song
    if not song.lyrics_model:
        raise SongProblem("song.lyrics_model", "drafting lyrics needs `lyrics_model:` in the cue's song (a local "
                                               "causal language model folder, e.g. GPT-2)")
    try:
        drafting.check_installed()
        folder = drafting.locate_lyrics_model(song.lyrics_model)
    except ResolveError as exc:
        raise SongProblem("song.lyrics_model", str(exc)) from None
    shots = plan.shots[pc.first:pc.last + 1]
    headings = list(dict.fromkeys(ps.scene.heading for ps in shots if ps.scene.heading))
    descriptions = [_description(ps) for ps in shots]
    prompt = drafting.lyrics_prompt(plan.screenplay.title, headings, [d for d in descriptions if d], song.style)
    draft_seed = song.seed if seed is None else seed
    try:
        text = drafting.draft_lyrics(folder, prompt, draft_seed)
    except RenderError as exc:
        raise SongProblem("song.lyrics_model", str(exc)) from None
    path = song.lyrics_file if song.draft else draft_path(plan.screenplay.path, pc.index)
    try:
        written = drafting.write_draft(path, text, drafting.draft_header(folder.name, draft_seed))
    except OSError as exc:
        raise SongProblem("song.lyrics", f"cannot write the drafted lyrics to {path} ({exc.strerror or exc}); make "
                                         "its folder writable, or give the lyrics as a file") from None
    return path, drafting.read_lyrics(path), written


def _description(ps) -> str:
    picture = ps.shot.picture
    if picture.kind in ("prompt", "card"):
        return picture.source
    return Path(picture.source).stem.replace("-", " ").replace("_", " ")


def song_node(pc: PlannedCue, facts: SongFacts) -> Node:
    song = pc.cue.song
    key = content_key({"kind": "song", "v": VERSION, "engine": song.engine, "model": facts.identity,
                       "style": song.style, "lyrics": facts.lyrics, "seed": song.seed, "seconds": facts.seconds,
                       "bpm": facts.bpm, "keyscale": song.keyscale, "prime": facts.prime_hash,
                       "window": song.window})
    return Node("song", f"score[{pc.index}]", key, ".f32", (), {"cue": pc.index}, runs_on=SONG_HEAVY)


class CacheProgress:
    """A song's finished steps in the cache, each under its own key (see song.Progress)."""

    def __init__(self, cache: Cache, song_key: str, reporter=None):
        self.cache, self.song_key, self.reporter = cache, song_key, reporter

    def _key(self, step: str) -> str:
        return content_key({"song": self.song_key, "step": step})

    def load(self, step: str):
        import numpy as np

        path = self.cache.get("songstep", self._key(step), ".npy")
        if path is None:
            return None
        with open(path, "rb") as file:
            return np.load(file, allow_pickle=False)

    def save(self, step: str, data) -> None:
        import numpy as np

        with self.cache.put("songstep", self._key(step), ".npy", {"step": step}) as tmp, open(tmp, "wb") as out:
            np.save(out, np.ascontiguousarray(data), allow_pickle=False)


def make_batch(work, nodes: list[Node]) -> dict[str, dict]:
    """Each song, one model load per engine and folder."""
    import numpy as np

    from filmmaker.backends.music.song import SongRequest
    from filmmaker.backends.music.tempo import estimate_tempo
    from filmmaker.graph.score import remove_rumble
    from filmmaker.render.audio import loudness, resample
    from filmmaker.render.ffmpeg import decode_audio

    for node in nodes:
        pc = work.plan.cues[node.args["cue"]]
        song, facts = pc.cue.song, work.resolved.sources[pc.index].song
        engine = work.model(f"song:{song.engine}:{facts.folder}",
                            lambda: open_engine(song.engine, facts.folder, window=song.window))
        prime = decode_audio(song.prime) if song.prime is not None else None
        request = SongRequest(song.style, facts.lyrics, facts.seconds, song.seed, facts.bpm, song.keyscale,
                              prime, 48_000)
        audio, rate = engine.generate(request, CacheProgress(work.cache, node.key))
        audio = remove_rumble(resample(np.asarray(audio, np.float32), rate))
        if audio.ndim == 1 or audio.shape[1] == 1:
            audio = np.repeat(audio.reshape(len(audio), 1), 2, axis=1)
        bpm, downbeat = estimate_tempo(audio, 48_000)
        meta = {"samples": len(audio), "bpm": facts.bpm or bpm, "downbeat": downbeat, "lufs": loudness(audio)}
        with work.cache.put("song", node.key, ".f32", meta) as tmp:
            audio[:, :2].astype(np.float32).tofile(tmp)
    return {node.id: {} for node in nodes}
