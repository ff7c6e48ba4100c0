"""Audition: a role's shots rendered once per candidate actor, tiled side by side in one reel.

Each candidate is an ordinary build of the role's shots with that actor cast, over the project's
cache, so whatever does not depend on the role (pictures, other roles' lines, footage) is made
once and shared. The tiles stay in sync shot by shot: a candidate who speaks a shot faster holds
their last frame until the slowest has finished it.
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from filmmaker.errors import FilmmakerError
from filmmaker.render.levels import RATE
from filmmaker.screenplay.model import Screenplay, Transition

MAX_CANDIDATES = 4


@dataclass
class AuditionReport:
    reel: Path
    contact_sheet: Path
    actors: list[str]
    shots: list[str]
    seconds: float  # the reel's length: per shot, the longest candidate's take
    heard: list[str]  # whose audio plays under each shot
    builds: list = dataclasses.field(default_factory=list)  # each candidate's BuildReport


def role_shots(sp: Screenplay, role: str, scene: str | None = None, shots: list[str] | None = None) -> list[str]:
    """The shots the role is in (speaks, or has their face cast), narrowed to a scene or a list."""
    if role not in sp.cast:
        raise FilmmakerError(f"audition: no role {role!r} in the cast; roles: {', '.join(sorted(sp.cast))}")
    scene_ids = {sc.id for sc in sp.scenes}
    if scene and scene not in scene_ids:
        raise FilmmakerError(f"audition --scene {scene!r}: no such scene; scenes: {', '.join(sorted(scene_ids))}")
    all_ids = [shot.id for sc in sp.scenes for shot in sc.shots]
    unknown = [s for s in shots or [] if s not in all_ids]
    if unknown:
        raise FilmmakerError(f"audition --shots: no shot {', '.join(map(repr, unknown))} in the screenplay")
    chosen = []
    for sc in sp.scenes:
        for shot in sc.shots:
            involved = any(line.speaker == role for line in shot.lines) or any(f.role == role for f in shot.faces)
            if involved and (scene is None or sc.id == scene) and (shots is None or shot.id in shots):
                chosen.append(shot.id)
    if not chosen:
        raise FilmmakerError(f"audition: {role} is not in any of the chosen shots; nothing to compare")
    return chosen


def audition_screenplay(sp: Screenplay, shot_ids: list[str]) -> Screenplay:
    """The screenplay cut down to those shots, played as straight cuts (no fades), without score or
    title card."""
    scenes = []
    for sc in sp.scenes:
        kept = tuple(dataclasses.replace(shot, transition=Transition(), fade_out=None)
                     for shot in sc.shots if shot.id in shot_ids)
        if kept:
            scenes.append(dataclasses.replace(sc, shots=kept))
    return dataclasses.replace(sp, scenes=tuple(scenes), score=(), title_page=())


def audition(sp: Screenplay, role: str, actors: list[str], outdir: Path, *, scene: str | None = None,
             shots: list[str] | None = None, audio: str | None = None, preview: bool = True,
             reporter=None, jobs: int = 1, executor=None) -> AuditionReport:
    from filmmaker.build import build_film
    from filmmaker.export import ExportOptions
    from filmmaker.plan import plan_film

    if not 2 <= len(actors) <= MAX_CANDIDATES:
        raise FilmmakerError(f"audition --actors: give 2 to {MAX_CANDIDATES} actors, got {len(actors)}")
    unknown = [a for a in actors if a not in sp.actors]
    if unknown:
        raise FilmmakerError(f"audition --actors: no actor {', '.join(map(repr, unknown))}; actors: "
                             f"{', '.join(sorted(sp.actors))}")
    if audio is not None and audio not in actors:
        raise FilmmakerError(f"audition --audio {audio!r}: not one of the candidates ({', '.join(actors)})")
    chosen = role_shots(sp, role, scene, shots)
    reel_sp = audition_screenplay(sp, chosen)
    takes, builds = [], []
    # absolute: the takes and the reel below it go to ffmpeg, which reads a relative `x:...` as a
    # protocol and `-...` as an option (and Python 3.11's mkdtemp keeps a relative folder relative)
    outdir = outdir.absolute()
    outdir.mkdir(parents=True, exist_ok=True)
    # the candidates' cuts go beside the outputs (same disk, cheap to copy from) and are removed after
    with tempfile.TemporaryDirectory(prefix=".audition-", dir=outdir) as folder:
        scratch = Path(folder)
        for actor in actors:
            plan = plan_film(reel_sp, preview=preview, cast={role: actor})
            report = build_film(plan, scratch / actor, reporter, ExportOptions(formats=()), jobs=jobs,
                                executor=executor, purpose="audition")
            builds.append(report)
            takes.append(_Take(report.film, report.timing, plan.format.width, plan.format.height))
        lengths = [[t.timing.frames[i] for t in takes] for i in range(len(chosen))]
        heard = [audio or actors[i % len(actors)] for i in range(len(chosen))]
        fps = takes[0].timing.fps
        slug = f"{sp.slug}-audition-{role.lower()}"
        reel = outdir / f"{slug}.mp4"
        _write_reel(takes, actors, heard, lengths, reel)
        sheet = outdir / f"{slug}.png"
        _write_contact_sheet(takes, actors, chosen, lengths, sheet)
    total = sum(max(row) for row in lengths)
    return AuditionReport(reel, sheet, actors, chosen, float(total / fps), heard, builds)


@dataclass
class _Take:
    """One candidate's build of the shots."""

    film: Path
    timing: object  # plan.Timing
    width: int
    height: int


def _frames(film: Path, width: int, height: int):
    """The film's frames in order, as RGB arrays."""
    from filmmaker.render.ffmpeg import ffmpeg_exe

    decoder = subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(film),
                                "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)  # stopping it early makes it complain
    size = width * height * 3
    try:
        while len(data := decoder.stdout.read(size)) == size:
            yield np.frombuffer(data, np.uint8).reshape(height, width, 3)
    finally:
        decoder.stdout.close()
        decoder.kill()
        decoder.wait()


def _grid(count: int) -> tuple[int, int]:
    return (2, 1) if count == 2 else (2, 2)  # columns, rows


def _label(text: str, width: int, heard: bool) -> np.ndarray:
    """A slate strip: the candidate's name, marked while theirs is the audio you hear."""
    from PIL import Image, ImageDraw, ImageFont

    height = max(18, width // 16)
    strip = Image.new("RGB", (width, height), (200, 40, 40) if heard else (20, 20, 24))
    draw = ImageDraw.Draw(strip)
    font = ImageFont.load_default(size=int(height * 0.7))
    draw.text((height // 3, height // 2), text + ("   [audio]" if heard else ""), fill=(255, 255, 255),
              font=font, anchor="lm")
    return np.asarray(strip)


def _write_reel(takes, actors: list[str], heard: list[str], lengths: list[list[int]], reel: Path) -> None:
    from filmmaker.cache import atomic_path
    from filmmaker.render.encoding import Encoding
    from filmmaker.render.ffmpeg import decode_audio
    from filmmaker.render.shot import encode_segment

    first = takes[0]
    w, h = first.width, first.height
    cols, rows = _grid(len(takes))
    enc = Encoding(w * cols, h * rows, first.timing.fps, preset="veryfast")
    streams = [_frames(t.film, w, h) for t in takes]
    sounds = [decode_audio(t.film) for t in takes]
    labels = {(a, on): _label(f"{chr(65 + i)}: {a}", w, on) for i, a in enumerate(actors) for on in (False, True)}
    total = sum(max(row) for row in lengths)

    def tiles():
        for shot, row in enumerate(lengths):
            frames = [[next(stream) for _ in range(n)] for stream, n in zip(streams, row)]
            for f in range(max(row)):
                canvas = np.zeros((enc.height, enc.width, 3), np.uint8)
                for i, take in enumerate(frames):
                    x, y = (i % cols) * w, (i // cols) * h
                    tile = take[min(f, len(take) - 1)].copy()  # a faster take holds its last frame
                    strip = labels[actors[i], heard[shot] == actors[i]]
                    tile[h - strip.shape[0]:] = strip
                    canvas[y:y + h, x:x + w] = tile
                yield canvas

    audio = []
    starts = [0] * len(takes)
    for shot, row in enumerate(lengths):
        source = actors.index(heard[shot])
        begin = _sample(starts[source], first.timing.fps)
        own = _sample(starts[source] + row[source], first.timing.fps) - begin
        span = _sample(sum(max(r) for r in lengths[:shot + 1]), first.timing.fps) - \
            _sample(sum(max(r) for r in lengths[:shot]), first.timing.fps)
        piece = np.zeros((span, 2), np.float32)
        take = sounds[source][begin:begin + min(own, span)]
        piece[:len(take)] = take
        audio.append(piece)
        starts = [s + n for s, n in zip(starts, row)]
    with atomic_path(reel) as tmp:
        encode_segment(tiles(), total, np.concatenate(audio), enc, tmp)


def _sample(frame: int, fps) -> int:
    return round(frame * RATE * fps.denominator / fps.numerator)


def _write_contact_sheet(takes, actors: list[str], shots: list[str], lengths: list[list[int]], sheet: Path) -> None:
    """One frame from the middle of each candidate's take of each shot: rows shots, columns actors."""
    from PIL import Image, ImageDraw, ImageFont

    from filmmaker.cache import atomic_path

    w, h = takes[0].width // 2, takes[0].height // 2
    header, margin = 28, 110
    image = Image.new("RGB", (margin + w * len(actors), header + h * len(shots)), (16, 16, 18))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=16)
    for c, actor in enumerate(actors):
        draw.text((margin + c * w + 6, header // 2), f"{chr(65 + c)}: {actor}", fill=(240, 240, 240), font=font,
                  anchor="lm")
    for r, shot in enumerate(shots):
        draw.text((6, header + r * h + h // 2), shot, fill=(240, 240, 240), font=font, anchor="lm")
    for c, take in enumerate(takes):
        starts = np.cumsum([0] + [row[c] for row in lengths])
        wanted = {int(starts[r] + lengths[r][c] // 2): r for r in range(len(shots))}
        for index, frame in enumerate(_frames(take.film, take.width, take.height)):
            if index in wanted:
                tile = Image.fromarray(frame).resize((w, h), Image.Resampling.LANCZOS)
                image.paste(tile, (margin + c * w, header + wanted[index] * h))
    with atomic_path(sheet) as tmp:
        image.save(tmp, format="PNG")
