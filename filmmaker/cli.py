"""The `filmmaker` command: the only module that prints or exits."""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from filmmaker.cli_cache import cache_app
from filmmaker.cli_common import _check_cast, _fail, _find_screenplay, _load, _parse_cast, _warn, err, out
from filmmaker.cli_library import library_app
from filmmaker.cli_provenance import inspect
from filmmaker.cli_script import SCRIPT_FORMATS, export_script, import_
from filmmaker.cli_serve import serve
from filmmaker.cli_songs import credits, lyrics
from filmmaker.errors import FilmmakerError
from filmmaker.places import say_target

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Make a film from a YAML screenplay: voices, pictures, score, subtitles.")

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "assets" / "examples"


def _jobs_option():
    return typer.Option(None, "--jobs", "-j", min=1, help="Worker processes [default: every core]; 1 works in "
                        "this process. The film's bytes do not depend on it.")


def _jobs(given: int | None) -> int:
    from filmmaker.executors.local import default_jobs

    return given or default_jobs()


def _executor_option():
    return typer.Option("local", "--executor", help="Where the work runs: local (this machine's cores) or ray "
                        "(a Ray cluster; pip install 'filmmaker[ray]').")


def _address_option():
    return typer.Option(None, "--address", help="ray: the cluster's head, HOST:PORT or auto [default: start one "
                        "on this machine, on 127.0.0.1].")


def _cache_option():
    return typer.Option(None, "--cache", help="A cache folder to use instead of the project's (every Ray node "
                        "that sees it writes there) [default: $FILMMAKER_CACHE, else .filmmaker/cache].")


def _purpose_option():
    return typer.Option("internal", "--for", help="What the cut is for: internal, release or audition; the real "
                        "people in it must have agreed to it.")


def _purpose(given: str) -> str:
    from filmmaker.consent import PURPOSES

    if given not in PURPOSES:
        raise FilmmakerError(f"--for {given!r}: choose one of {', '.join(PURPOSES)}")
    return given


def _gpus_option():
    return typer.Option([], "--gpus", help="ray: GPUs per node of a kind, KIND=N (repeatable); adds to the "
                        "screenplay's executor.ray.gpus.")


def _executor(sp, name: str, jobs: int | None, address: str | None, cache: Path | None, gpus: list[str]):
    """The executor a command asked for, checked before any work."""
    from filmmaker.executors import EXECUTORS, ExecutorOptions, shared_cache

    if name not in EXECUTORS:
        raise FilmmakerError(f"--executor {name!r}: choose {' or '.join(EXECUTORS)}")
    if name != "ray" and (address or gpus):
        raise FilmmakerError(f"{'--address' if address else '--gpus'} is for --executor ray")
    wanted = dict(sp.ray_gpus)
    for pair in gpus:
        kind, _, count = pair.partition("=")
        try:
            wanted[kind.strip()] = float(count)
        except ValueError:
            raise FilmmakerError(f"--gpus {pair!r}: write KIND=N, e.g. image=1") from None
    if name == "ray":
        from filmmaker.executors.ray_executor import check_address, require_ray

        require_ray()
        check_address(address)  # a wrong one fails now, before anything is resolved or written
    return ExecutorOptions(name, _jobs(jobs), address, wanted, shared_cache(cache))


@contextlib.contextmanager
def _interruptible():
    """Ctrl-C stops the build cleanly: what was finished stays in the cache, nothing half-written
    is left, and the next build picks up where this one stopped."""
    try:
        yield
    except KeyboardInterrupt:
        err.print("interrupted: finished work is kept in the cache; build again to resume", style="yellow")
        raise typer.Exit(130) from None


@app.command()
def validate(screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script.")) -> None:
    """Check a screenplay and print every problem (exit 0 when valid, 2 when not)."""
    try:
        sp = _load(screenplay, find=False)  # valid whatever the library holds: `find:` is chosen at plan time
    except FilmmakerError as exc:
        _fail(exc)
    from filmmaker.build import unknown_directions
    from filmmaker.plan import plan_film

    for warning in unknown_directions(plan_film(sp)):
        _warn(warning)
    n_shots = sum(len(s.shots) for s in sp.scenes)
    n_lines = sum(len(shot.lines) for _, shot in sp.shots())
    out.print(f"[green]ok[/green] {screenplay}: {len(sp.scenes)} scenes, {n_shots} shots, {n_lines} lines, "
              f"{len(sp.cast)} roles, {len(sp.score)} cues")


class RichReporter:
    """A progress bar per stage (voices, pictures, segments in frames, mix, join)."""

    def __init__(self, progress):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def stage(self, name: str, total: int) -> None:
        if total:
            self.tasks[name] = self.progress.add_task(name, total=total)

    def advance(self, name: str) -> None:
        if name in self.tasks:
            self.progress.advance(self.tasks[name])


@contextlib.contextmanager
def _progress():
    """A RichReporter whose bars show on a terminal (on stderr) and vanish when the work is done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:>9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        yield RichReporter(progress)


@app.command()
def build(
    screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script."),
    outdir: Optional[Path] = typer.Option(None, "-o", "--outdir", help="Where the film goes [default: out/ beside the screenplay]."),
    preview: bool = typer.Option(False, "--preview", help="Half resolution and the fastest encoder, for drafts."),
    cast: list[str] = typer.Option([], "--cast", help="Recast a role for this build: ROLE=ACTOR (repeatable)."),
    jobs: Optional[int] = _jobs_option(),
    executor: str = _executor_option(),
    address: Optional[str] = _address_option(),
    cache: Optional[Path] = _cache_option(),
    gpus: list[str] = _gpus_option(),
    purpose: str = _purpose_option(),
) -> None:
    """Build the film: OUTDIR/<slug>.mp4 and OUTDIR/<slug>.srt."""
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film

    started = time.perf_counter()
    try:
        sp = _load(screenplay)
        recast = _parse_cast(cast)
        _check_cast(sp, recast)
        plan = plan_film(sp, preview=preview, cast=recast)
        target = outdir or sp.root / "out"
        options = _executor(sp, executor, jobs, address, cache, gpus)
        with _interruptible(), _progress() as reporter:
            report = build_film(plan, target, reporter, executor=options, purpose=_purpose(purpose))
    except FilmmakerError as exc:
        _fail(exc)
    for warning in report.warnings:
        _warn(warning)
    kinds = ("line", "image", "picture", "motion", "music", "song", "segment", "media", "cue", "mix", "cut")
    summary = ", ".join(f"{kind} {report.count(kind)[0]} built/{report.count(kind)[1]} cached"
                        for kind in kinds if sum(report.count(kind)))
    out.print(f"[green]built[/green] {report.film} ({report.seconds:.2f} s, {report.frames} frames) "
              f"and {report.subtitles.name} in {time.perf_counter() - started:.1f} s")
    out.print(f"  {summary}", highlight=False)
    for shot_id, scores in report.identity.items():
        for role, (to_actor, to_stand_in, found) in scores.items():
            verdict = "ok" if to_actor < to_stand_in else "CHECK"
            out.print(f"  face swap {shot_id}/{role}: distance to actor {to_actor:.2f}, to stand-in "
                      f"{to_stand_in:.2f}, face found in {found:.0%} of frames [{verdict}]", highlight=False, markup=False)
    if "signed" in report.nodes_built and sp.provenance_cert is None:
        out.print(f"  signed with the project's own key ({sp.root / '.filmmaker' / 'provenance'}): it proves the film "
                  "is unchanged, not who made it; `provenance: {cert, key}` signs as you", highlight=False,
                  markup=False)
    stages = ", ".join(f"{name} {secs:.1f} s" for name, secs in report.stage_seconds.items() if secs >= 0.05)
    if stages:
        out.print(f"  work: {stages}", highlight=False)
    _print_placement(report.placement)


def _print_found(shots, threshold: float) -> None:
    """Per `find:` shot: the library file chosen, its in/out and score, and the next two."""
    def said(c: dict) -> str:
        span = f" [{c['in']:.2f}-{c['out']:.2f}]" if c["out"] is not None else ""
        return f"{c['file']}{span} ({c['score']:.3f})"

    for shot in shots:
        if shot.found is None:
            continue
        chosen = said(shot.found["chosen"]) if shot.found["chosen"] else \
            f"nothing above {threshold:g}: a storyboard panel"
        others = "; then " + ", ".join(said(c) for c in shot.found["others"]) if shot.found["others"] else ""
        out.print(f"  find {shot.shot}: {chosen}{others}", highlight=False, markup=False)


def _print_placement(placement) -> None:
    if placement is None or not placement.tasks:
        return
    tasks = sum(placement.tasks.values())
    nodes = ", ".join(f"{node[:8]} {n}" for node, n in sorted(placement.tasks.items()))
    loads = "".join(f"; {model} loaded {n}x" for model, n in sorted(placement.loads.items()))
    out.print(f"  ray: {tasks} tasks on {len(placement.tasks)} nodes ({nodes}), "
              f"{placement.returned_bytes} bytes returned{loads}", highlight=False)


@app.command()
def export(
    screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script."),
    formats: list[str] = typer.Option(["all"], "--format", "-f", help="edl, otio, fcp7xml, srt, vtt or all (repeatable); fountain or fdx: the screenplay as a script."),
    outdir: Optional[Path] = typer.Option(None, "-o", "--outdir", help="Where the files go [default: out/ beside the screenplay]."),
    timecode_start: str = typer.Option("01:00:00:00", "--timecode-start", help="Record timecode of the first frame (HH:MM:SS:FF; ';' before FF at 29.97/59.94 drop-frame)."),
    preview: bool = typer.Option(False, "--preview", help="Export the preview-size build."),
    cast: list[str] = typer.Option([], "--cast", help="Recast a role: ROLE=ACTOR (repeatable)."),
    jobs: Optional[int] = _jobs_option(),
    executor: str = _executor_option(),
    address: Optional[str] = _address_option(),
    cache: Optional[Path] = _cache_option(),
    gpus: list[str] = _gpus_option(),
    purpose: str = _purpose_option(),
) -> None:
    """Write the edit for an editing suite: EDL, OTIO, FCP 7 XML with media/, and subtitles.

    Builds what the cache lacks first (nothing, after a build); writes no film."""
    from filmmaker.build import build_film
    from filmmaker.export import ALL_FORMATS, ExportOptions, check_formats
    from filmmaker.plan import plan_film
    from filmmaker.timeline import parse_timecode

    try:
        chosen = ALL_FORMATS if "all" in formats else tuple(dict.fromkeys(formats))
        unknown = [name for name in chosen if name not in ALL_FORMATS + SCRIPT_FORMATS]
        if unknown:
            raise FilmmakerError(f"--format {unknown[0]!r}: choose from {', '.join(ALL_FORMATS + SCRIPT_FORMATS)} "
                                 "or all")
        sp = _load(screenplay)
        scripts = tuple(name for name in chosen if name in SCRIPT_FORMATS)
        for name, path in export_script(sp, scripts, outdir or sp.root / "out").items():
            out.print(f"[green]wrote[/green] {path} ({name})", highlight=False)
        chosen = tuple(name for name in chosen if name not in SCRIPT_FORMATS)
        if not chosen:  # a script needs no build
            return
        recast = _parse_cast(cast)
        _check_cast(sp, recast)
        check_formats(sp, chosen)
        parse_timecode(timecode_start, sp.format.fps)
        plan = plan_film(sp, preview=preview, cast=recast)
        target = outdir or sp.root / "out"
        options = _executor(sp, executor, jobs, address, cache, gpus)
        with _interruptible(), _progress() as reporter:
            report = build_film(plan, target, reporter,
                                export=ExportOptions(chosen, timecode_start, film=False, strict=True),
                                executor=options, purpose=_purpose(purpose))
    except FilmmakerError as exc:
        _fail(exc)
    for warning in report.warnings:
        _warn(warning)
    for name, path in report.exports.items():
        out.print(f"[green]wrote[/green] {path} ({name})", highlight=False)
    if any(name in report.exports for name in ("edl", "otio", "fcp7xml")):
        media = sorted({p.name for p in (target / "media").glob("*.mp4")})
        out.print(f"  media: {target / 'media'} ({len(media)} files)", highlight=False)


@app.command()
def plan(
    screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script."),
    preview: bool = typer.Option(False, "--preview", help="Plan the preview-size build."),
    cast: list[str] = typer.Option([], "--cast", help="Recast a role: ROLE=ACTOR (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON, for tools."),
    graph: Optional[str] = typer.Option(None, "--graph", help="Print the build's artifact graph instead: json or dot (Graphviz)."),
) -> None:
    """List the shots and what a build would make or reuse, and why; builds nothing."""
    from filmmaker.dryrun import dry_run
    from filmmaker.plan import plan_film

    try:
        sp = _load(screenplay)
        recast = _parse_cast(cast)
        _check_cast(sp, recast)
        if graph not in (None, "json", "dot"):
            raise FilmmakerError(f"--graph {graph!r}: choose json or dot")
        film = dry_run(plan_film(sp, preview=preview, cast=recast), base_cast=sp.cast)
    except FilmmakerError as exc:
        _fail(exc)
    if graph:
        print(json.dumps(film.graph.to_json(), indent=1) if graph == "json" else film.graph.to_dot(), end="")
        return
    if as_json:
        print(json.dumps(film.to_json(), indent=1))
        return
    table = Table(title=f"{sp.title} ({sp.format.width}x{sp.format.height} @ {float(sp.format.fps):g} fps)")
    for column in ("shot", "picture", "camera", "sec", "speakers", "cue", "status"):
        table.add_column(column, overflow="fold", no_wrap=column in ("shot", "camera", "sec"))
    for shot in film.shots:
        source = shot.picture if len(shot.picture) <= 38 else shot.picture[:36] + ".."
        status = ("[green]cached[/green]" if shot.cached else
                  f"[yellow]build {', '.join(shot.build)}[/yellow] [dim](changed: {', '.join(shot.reasons)})[/dim]")
        table.add_row(shot.shot, source, shot.camera, f"{shot.seconds:.2f}" + ("" if shot.exact else "~"),
                      ", ".join(shot.speakers) or "-", ", ".join(shot.cues) or "-", status)
    out.print(table)
    _print_found(film.shots, sp.library.threshold)
    todo = film.lines_to_build or film.segments_to_build
    out.print(f"{len(film.shots)} shots, {film.seconds:.1f} s; to build: {film.lines_to_build} lines, "
              f"{film.segments_to_build} shot segments" + (f", about {film.estimate_seconds:.0f} s of work"
                                                          if todo else "; nothing to do")
              + ("  (~ = estimated until the line is spoken)" if film.lines_to_build else ""), highlight=False)


@app.command()
def voices() -> None:
    """List the voice engines, their voices and licences."""
    from filmmaker.backends.voice.catalog import all_voices

    table = Table(title="Voices")
    for column in ("engine", "voice", "licence", "notes"):
        table.add_column(column, overflow="fold")
    for entry in all_voices():
        table.add_row(*(Text(cell) for cell in (entry.engine, entry.voice, entry.licence, entry.note)))
    out.print(table)


@app.command()
def music(
    screenplay: Optional[Path] = typer.Option(None, "-s", "--screenplay", help="Include the folders in this screenplay's `music.library`."),
    library: list[Path] = typer.Option([], "--library", help="Include this folder of your own tracks (repeatable)."),
) -> None:
    """List the music library: moods, tracks, tempo, key and licence (measured where not given)."""
    from filmmaker.backends.music.library import library as all_tracks
    from filmmaker.backends.music.library import with_measurements

    try:
        folders = tuple(_load(screenplay).music_library) if screenplay else ()
        for folder in library:
            if not folder.is_dir():
                raise FilmmakerError(f"--library {folder}: not a folder; give a folder of audio files "
                                     "(one subfolder per mood)")
        tracks = all_tracks(folders + tuple(folder.resolve() for folder in library))
    except FilmmakerError as exc:
        _fail(exc)
    table = Table(title="Music library")
    for column in ("mood", "style", "track", "bpm", "key", "licence"):
        table.add_column(column, overflow="fold", no_wrap=column in ("mood", "bpm"))
    for track in tracks:
        try:
            track = with_measurements(track)
            bpm = f"{track.bpm:g}" + (" (measured)" if track.source == "measured" else "") if track.bpm else "-"
        except FilmmakerError as exc:
            bpm = f"unreadable: {exc}"
        table.add_row(*(Text(cell) for cell in (track.mood, track.style, track.name, bpm, track.key or "-",
                                                track.licence)))
    out.print(table)
    out.print(f"{len(tracks)} tracks in {len({t.mood for t in tracks})} moods", highlight=False)


@app.command()
def say(
    actor: str = typer.Argument(..., help="An actor id, or a role from `cast`."),
    text: str = typer.Argument(..., help="What to say."),
    screenplay: Optional[Path] = typer.Option(None, "-s", "--screenplay", help="The screenplay the actor is in [default: the only *.yaml here]."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="WAV file to write [default: say-ACTOR.wav]."),
    parenthetical: Optional[str] = typer.Option(None, "-p", "--parenthetical", help="A direction, e.g. whispering."),
) -> None:
    """Preview an actor's voice, with its settings, speaking TEXT."""
    from filmmaker.backends.voice import open_voice
    from filmmaker.cache import FileHashes, atomic_path
    from filmmaker.render.audio import RATE, loudness
    from filmmaker.render.voice import speak
    from filmmaker.screenplay.direction import parse_parenthetical
    from filmmaker.screenplay.model import MAX_LINE_CHARS

    try:
        target = say_target(output, actor)
        if len(text) > MAX_LINE_CHARS:
            raise FilmmakerError(f"the text is {len(text):,} characters; a line is at most {MAX_LINE_CHARS:,} "
                                 "(about five minutes of speech): say a shorter piece")
        sp = _load(_find_screenplay(screenplay))
        actor_id = sp.cast.get(actor, actor)
        if actor_id not in sp.actors:
            raise FilmmakerError(f"no actor or role {actor!r} in {sp.path.name}; actors: "
                                 f"{', '.join(sorted(sp.actors))}; roles: {', '.join(sorted(sp.cast))}")
        spec = sp.actors[actor_id].voice
        hashes = FileHashes(sp.root / ".filmmaker" / "file-hashes.json")
        direction, unknown = parse_parenthetical(parenthetical)
        audio = speak(open_voice(spec, hashes), text, spec, direction)
        hashes.save()
    except FilmmakerError as exc:
        _fail(exc)
    for word in unknown:
        _warn(f"{word!r} is not a direction filmmaker performs")
    import soundfile

    target = target or Path(f"say-{actor_id}.wav")
    with atomic_path(target) as tmp:
        soundfile.write(tmp, audio, RATE, subtype="PCM_16", format="WAV")
    out.print(f"[green]wrote[/green] {target} ({len(audio) / RATE:.2f} s, {loudness(audio):.1f} LUFS, "
              f"{spec.engine} voice of {actor_id})")


@app.command()
def new(directory: Path = typer.Argument(..., help="A new folder for the project.")) -> None:
    """Start a project from a copy of the example film."""
    if directory.exists() and not directory.is_dir():
        err.print(f"error: {directory} is a file; give the name of a new folder for the project", style="red",
                  markup=False, highlight=False)
        raise typer.Exit(2)
    if directory.exists() and any(directory.iterdir()):
        err.print(f"error: {directory} exists and is not empty; choose a new folder", style="red")
        raise typer.Exit(2)
    if not EXAMPLE_DIR.is_dir():
        err.print(f"error: the example project is missing ({EXAMPLE_DIR}); install filmmaker from its "
                  "source tree (pip install -e .)", style="red")
        raise typer.Exit(2)
    try:
        shutil.copytree(EXAMPLE_DIR, directory, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".filmmaker", "out"))
    except OSError as exc:  # a file on the way to it, no room, no permission
        reason = exc.strerror or "some files could not be copied"  # shutil.Error: a list of them
        err.print(f"error: cannot create {directory}: {reason}; give a new folder in a place you can write to",
                  style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    out.print(f"[green]created[/green] {directory}; build it with: filmmaker build {directory / 'the-launch.yaml'}")


@app.command()
def audition(
    screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script."),
    role: str = typer.Argument(..., help="The role to cast."),
    actors: str = typer.Option(..., "--actors", help="2 to 4 candidate actors, comma-separated: A,B,C."),
    scene: Optional[str] = typer.Option(None, "--scene", help="Only the role's shots in this scene."),
    shots: Optional[str] = typer.Option(None, "--shots", help="Only these shots, comma-separated."),
    audio: Optional[str] = typer.Option(None, "--audio", help="Hear this candidate throughout [default: each in turn, shot by shot]."),
    outdir: Optional[Path] = typer.Option(None, "-o", "--outdir", help="Where the reel goes [default: out/ beside the screenplay]."),
    full: bool = typer.Option(False, "--full", help="Render the takes at full size (the reel is then 2x2 full frames)."),
    jobs: Optional[int] = _jobs_option(),
    executor: str = _executor_option(),
    address: Optional[str] = _address_option(),
    cache: Optional[Path] = _cache_option(),
    gpus: list[str] = _gpus_option(),
) -> None:
    """Render the role's shots once per candidate and tile them side by side in one reel, with a
    contact sheet; everything that does not depend on the role is made once."""
    from filmmaker.audition import audition as run_audition

    started = time.perf_counter()
    try:
        sp = _load(screenplay)
        candidates = [a.strip() for a in actors.split(",") if a.strip()]
        chosen = [s.strip() for s in shots.split(",") if s.strip()] if shots else None
        options = _executor(sp, executor, jobs, address, cache, gpus)
        with _interruptible(), _progress() as reporter:
            report = run_audition(sp, role, candidates, outdir or sp.root / "out", scene=scene, shots=chosen,
                                  audio=audio, preview=not full, reporter=reporter, executor=options)
    except FilmmakerError as exc:
        _fail(exc)
    for warning in dict.fromkeys(w for build in report.builds for w in build.warnings):  # once, not per take
        _warn(warning)
    out.print(f"[green]audition[/green] {report.reel} ({report.seconds:.2f} s, {len(report.actors)} takes of "
              f"{len(report.shots)} shots) and {report.contact_sheet.name} in {time.perf_counter() - started:.1f} s")
    out.print("  heard: " + ", ".join(f"{shot} {actor}" for shot, actor in zip(report.shots, report.heard)),
              highlight=False)


app.add_typer(cache_app, name="cache")
app.add_typer(library_app, name="library")
app.command()(lyrics)
app.command()(credits)
app.command()(inspect)
app.command("import")(import_)
app.command()(serve)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
