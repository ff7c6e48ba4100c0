"""Long films through the real CLI: a build's memory must not grow with the film's length.

The films come from scripts/make_long_film.py at 160x90, 12 fps. Each build runs under a fresh
`python -c` wrapper that runs the CLI as its child and prints the peak resident set of the
largest process of that build (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss: the CLI, its
workers and encoders), so each measurement covers exactly one build.

`long_film` (module scope) is the 12-minute film, built once; tests may edit and rebuild it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600  # seconds for any one subprocess: a hung build fails the test instead of hanging it
SHORT_MINUTES, LONG_MINUTES = 2, 12
SIZE = {"width": 160, "height": 90, "fps": 12}

PEAK_RSS = ROOT / "scripts" / "peak_rss.py"  # prints "<peak RSS of the largest process, KiB> <exit code>"


def load_generator():
    """scripts/make_long_film.py, imported as a module (scripts/ is not a package)."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import make_long_film

    return make_long_film


def build_peak_kib(screenplay: Path) -> int:
    """Build through the CLI under a fresh wrapper; the peak RSS (KiB) of the build's largest process."""
    command = [sys.executable, str(PEAK_RSS),
               sys.executable, "-m", "filmmaker.cli", "build", str(screenplay)]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, f"the wrapper failed:\n{result.stderr[-3000:]}"
    peak_kib, code = map(int, result.stdout.split()[-2:])
    assert code == 0, f"building {screenplay} failed (exit {code}):\n{result.stderr[-3000:]}"
    return peak_kib


def film_minutes(screenplay: Path) -> float:
    import av

    with av.open(str(screenplay.parent / "out" / "long-film.mp4")) as container:
        video = container.streams.video[0]
        return float(video.duration * video.time_base) / 60


class Built(NamedTuple):
    screenplay: Path
    unscored_scenes: list[str]
    peak_kib: int  # of its cold build


def generate_and_build(minutes: float, folder: Path) -> Built:
    film = load_generator().make_long_film(minutes, folder, seed=0, **SIZE)
    return Built(film.screenplay, film.unscored_scenes, build_peak_kib(film.screenplay))


@pytest.fixture(scope="module")
def long_film_build(tmp_path_factory) -> Built:
    """The 12-minute film, built cold once per module, with its cold build's peak RSS."""
    return generate_and_build(LONG_MINUTES, tmp_path_factory.mktemp("long-film"))


class LongFilm(NamedTuple):
    screenplay: Path
    unscored_scenes: list[str]  # scene ids with no music cue: a line edited there refits no cue


@pytest.fixture(scope="module")
def long_film(long_film_build) -> LongFilm:
    """(path of the built 12-minute screenplay, the generator's unscored scene ids). Built once per
    module and shared: a test that edits it leaves the edit (and its rebuild) for the tests after it."""
    return LongFilm(long_film_build.screenplay, long_film_build.unscored_scenes)


def test_memory_does_not_grow_with_length(long_film_build, tmp_path):
    short = generate_and_build(SHORT_MINUTES, tmp_path / "short-film")
    short_minutes, long_minutes = film_minutes(short.screenplay), film_minutes(long_film_build.screenplay)
    assert abs(short_minutes - SHORT_MINUTES) <= 0.1 * SHORT_MINUTES, short_minutes
    assert abs(long_minutes - LONG_MINUTES) <= 0.1 * LONG_MINUTES, long_minutes
    short_mb, long_mb = short.peak_kib / 1024, long_film_build.peak_kib / 1024
    assert long_mb <= 1.2 * short_mb, (
        f"peak RSS {long_mb:.0f} MB for {long_minutes:.1f} min of film against {short_mb:.0f} MB "
        f"for {short_minutes:.1f} min ({long_mb / short_mb:.2f}x; at most 1.2x)")


def test_one_line_edit_in_the_long_film_remakes_one_line_segment_and_mix_piece(long_film):
    """A line edited in the middle of a mix piece, in a scene without score: its line, its shot's
    segment and its piece are made again, then the loudness pass, the mix and the join; nothing
    else (no other piece, no cue, no picture)."""
    from filmmaker.build import build_film
    from filmmaker.graph.premix import mix_pieces
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    plan = plan_film(load_screenplay(long_film.screenplay))
    chosen = None
    for first, last in mix_pieces(plan):
        for ps in plan.shots[first + 1:last]:  # not at a piece's edge: the neighbour piece hears its edges
            nxt = plan.shots[ps.index + 1]
            if (ps.scene.id in long_film.unscored_scenes and ps.lines and ps.shot.transition.kind == "cut"
                    and nxt.shot.transition.kind == "cut"):
                chosen = ps, (first, last)
                break
        if chosen:
            break
    assert chosen, "the generated film has no shot to edit in the middle of an unscored mix piece"
    ps, (first, last) = chosen
    line = ps.lines[0]
    text = long_film.screenplay.read_text()
    assert text.count(line.line.text) == 1
    long_film.screenplay.write_text(text.replace(line.line.text, "We hold here, and we wait for the light."))
    report = build_film(plan_film(load_screenplay(long_film.screenplay)), long_film.screenplay.parent / "out",
                        jobs=2)
    assert report.built["line"] == [line.id]
    assert report.built["segment"] == [ps.id]
    assert report.nodes_built["premix"] == [f"{plan.shots[first].id}..{plan.shots[last].id}"]
    assert report.built["mix"] == ["mix"] and report.built["cut"] == ["cut"]
    assert "cue" not in report.built and "picture" not in report.built and "media" not in report.built
    assert len(report.reused["segment"]) > 50  # the rest of the film, untouched
