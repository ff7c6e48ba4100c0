"""Write a screenplay of any length, with the media it needs, for scale tests and benchmarks.

    python scripts/make_long_film.py --minutes 12 --out DIR [--width 160 --height 90 --fps 12] [--seed 0]

Writes DIR/long-film.yaml (title "Long Film", so a build makes out/long-film.mp4) and copies
the example's public-domain/CC0 stills and footage it uses into DIR/media/. The film is made
of scenes of about a minute each, shaped like the example film: a heading and 4-8 shots per
scene, stills with camera moves, a title card now and then, a storyboard panel (`prompt`) now
and then, a short footage shot with in/out points inside media/footage/deep-field.mp4
occasionally, an occasional 0.5 s crossfade, and 1-3 lines per shot spoken by two roles who
share the bundled piper voice at different pitch and rate. Every line is new: sentences are
composed from mission-control, travel and weather word lists by a random.Random seeded with
--seed, so the same arguments always write the same bytes. No faces (face swap is slow).

A stock music cue (a mood from the bundled library) runs under every other scene, from its
first shot to its last (scenes 1, 3, 5, ...); the others (2, 4, ...) are unscored, and their
ids are printed (a line can be edited there without refitting any cue).

The length is planned with the build's own timing rules: a shot with lines lasts lead-in 0.5 s
+ its lines (0.35 s apart) + tail 0.7 s, and a line is estimated at words / WORDS_PER_SECOND
seconds (spoken length measured on builds of this generator's output); a card lasts its
`duration`. The built film lands within a few percent of --minutes.

Import it (importlib) and call make_long_film(...) for the same result as a LongFilm.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
from pathlib import Path

import yaml

EXAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "assets" / "examples" / "media"
SCREENPLAY_NAME = "long-film.yaml"
TITLE = "Long Film"

# The build's timing (filmmaker/plan.py) and the speaking speed used to plan lines.
LEAD_IN, GAP, TAIL = 0.5, 0.35, 0.7
WORDS_PER_SECOND = 3.35  # measured: the bundled piper voice speaks these lines at ~3.4 words/s (2.6 overshoots by ~25%)
SCENE_SECONDS = 60.0
FOOTAGE = "media/footage/deep-field.mp4"
FOOTAGE_SECONDS = 8.0  # the clip's length (192 frames at 24 fps)
FOOTAGE_LINE_WORDS = 9  # footage shots get one short line...
FOOTAGE_SAFETY = 1.35  # ...and start early enough to last this many times their estimated length
STILLS = ("media/astronaut.jpg", "media/rocket.jpg")
CAMERAS = ("push-in", "pull-out", "pan-left", "pan-right", "static")
ANCHORS = ("auto", "center", "top", "bottom")
MOODS = ("calm", "energetic", "happy", "nostalgic", "tender")
ROLES = ("COMMANDER", "FLIGHT")

# --- word lists --------------------------------------------------------------------------------

NUMBERS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
           "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
           "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SYSTEMS = ("second stage", "first stage", "guidance computer", "fuel cell", "oxygen line", "main engine",
           "telemetry link", "heat shield", "docking port", "star tracker", "radar dish", "ground loop",
           "booster", "cabin pressure", "hydraulics", "coolant pump", "backup battery", "antenna",
           "range safety", "tracking station", "flight software", "propellant valve", "service module",
           "parachute bay", "crew hatch", "launch tower", "nav platform", "comms relay")
STATES = ("nominal", "holding steady", "reading cold", "reading warm", "drifting", "back online",
          "still offline", "climbing slowly", "within limits", "out of family", "green across the board",
          "ready", "fluctuating", "stable", "a little noisy", "settling down", "flagged for review")
PLACES = ("the Cape", "the pad", "the coast", "the range", "the recovery zone", "the harbour", "the airfield",
          "the north ridge", "the landing strip", "the downrange ships", "the causeway", "the islands",
          "the uplink station", "the tracking site", "the old hangar", "the bay", "the salt flats")
WEATHER = ("the wind", "the cloud deck", "the rain", "the fog", "the crosswind", "the storm cell", "the swell",
           "the haze", "the overcast", "the upper winds", "the sea breeze", "the lightning", "the squall line",
           "the front", "the drizzle", "the low cloud", "the jet stream", "the humidity")
WEATHER_DOING = ("is clearing", "is moving east", "is building", "is thinning out", "is lifting", "has stalled",
                 "is breaking up", "is picking up", "is easing off", "is rolling in", "is drifting north",
                 "has turned", "is holding", "is getting worse", "is burning off")
DIRECTIONS = ("north", "south", "east", "west", "the northeast", "the southwest", "the sea", "the hills")
VEHICLES = ("bus", "ferry", "night train", "shuttle", "convoy", "cargo plane", "helicopter", "recovery boat",
            "supply truck", "chase plane", "tow vehicle", "crew van", "press boat")
CITIES = ("Houston", "Orlando", "Titusville", "Cocoa Beach", "Miami", "Tampa", "Jacksonville", "Savannah",
          "Huntsville", "Denver", "El Paso", "Bermuda", "Kourou", "Lisbon", "Darwin", "Santiago")
PEOPLE = ("the crew", "the flight director", "the range officer", "the doctor", "the press", "the families",
          "the recovery team", "the pad crew", "the weather officer", "the backup crew", "the engineers",
          "the night shift", "the tracking team", "the pilots", "the surgeon", "the booster team")
ACTIONS = ("check", "recheck", "cycle", "reset", "purge", "warm up", "power down", "verify", "log", "isolate",
           "monitor", "calibrate", "vent", "pressurize", "bypass", "inspect", "trend", "restart")
TIMES = ("sunrise", "midnight", "the next poll", "the window", "the hold", "first light", "the shift change",
         "dinner", "the briefing", "the countdown", "the rollout", "the fuel load", "dawn", "the landing")
ADVERBS = ("slowly", "carefully", "quietly", "right now", "again", "one more time", "by the book", "gently",
           "before anyone asks", "while we wait", "twice", "on my mark", "for the record")
OPENERS = ("Listen", "Okay", "Copy that", "Understood", "Roger", "Look", "Right", "Fine", "Good",
           "All right", "Stand by", "Say again", "Noted", "Well", "Hold on")
ADJECTIVES = ("tired", "young", "grey haired", "nervous", "calm", "quiet", "weathered", "cheerful", "stern",
              "distracted", "patient", "sleepy", "soaked", "hopeful", "restless")
FIGURES = ("flight controller", "meteorologist", "engineer", "astronaut", "pilot", "technician", "driver",
           "ferry captain", "range officer", "commander", "radio operator", "mechanic", "photographer")
DOINGS = ("studies a weather radar", "reads a printout of telemetry", "waits under an umbrella",
          "watches rain on a window", "points at a map of the coast", "talks into a headset",
          "carries a thermos down a corridor", "checks a wristwatch", "leans over a console",
          "loads bags onto a bus", "stares at a rocket on the pad", "looks up at the clouds",
          "walks across a wet tarmac", "writes on a whiteboard", "drinks coffee by a window")
SETTINGS = ("at dusk", "at dawn", "in the rain", "under floodlights", "in heavy fog", "at night",
            "in bright sun", "in a crowded room", "in an empty hangar", "beside the sea", "on a windy pier",
            "in a dim control room", "on a long straight road", "under a stormy sky")
HEADINGS_INT = ("MISSION CONTROL", "FLIGHT DIRECTOR'S OFFICE", "CREW QUARTERS", "WEATHER ROOM", "BRIEFING ROOM",
                "TRACKING STATION", "CREW VAN", "CAFETERIA", "HANGAR", "FERRY CABIN", "AIRPORT LOUNGE",
                "RADIO SHACK", "SIMULATOR")
HEADINGS_EXT = ("LAUNCH PAD", "CAUSEWAY", "BEACH", "RUNWAY", "RECOVERY SHIP", "HARBOUR", "COASTAL ROAD",
                "ROOF OF THE VAB", "PRESS SITE", "TRACKING DISH", "FERRY DECK", "SALT FLATS")
HEADING_TIMES = ("NIGHT", "DAY", "DAWN", "DUSK", "LATER", "CONTINUOUS", "EARLY MORNING", "MOMENTS LATER")
CARD_WORDS = ("Day", "Hour", "Orbit", "Leg", "Stage", "Pass", "Hold", "Window")
CARD_COLOURS = (("#101820", "#f2f2f2"), ("#1b2a3a", "#ffd9a0"), ("#2b1d0e", "#f5e6c8"), ("#0e2b1d", "#d8f5e6"),
                ("#000000", "#ffffff"), ("#30142a", "#ffd0ec"))


QUESTION_WORDS = ("can", "do", "is", "who")


def _clause(rng: random.Random) -> str:
    """One clause of mission-control, travel or weather talk (lower case, no final stop)."""
    n, sys_, place = rng.choice(NUMBERS), rng.choice(SYSTEMS), rng.choice(PLACES)
    return rng.choice((
        lambda: f"the {sys_} is {rng.choice(STATES)}",
        lambda: f"{rng.choice(WEATHER)} over {place} {rng.choice(WEATHER_DOING)}",
        lambda: f"winds at {place} are {n} knots from {rng.choice(DIRECTIONS)}",
        lambda: f"the {rng.choice(VEHICLES)} to {rng.choice(CITIES)} leaves at {rng.choice(TIMES)}",
        lambda: f"{rng.choice(ACTIONS)} the {sys_} {rng.choice(ADVERBS)}",
        lambda: f"tell {rng.choice(PEOPLE)} we need {n} more minutes",
        lambda: f"{rng.choice(PEOPLE)} want the {sys_} numbers before {rng.choice(TIMES)}",
        lambda: f"visibility at {place} is down to {n} hundred metres",
        lambda: f"we have {n} minutes until {rng.choice(TIMES)}",
        lambda: f"the {sys_} read {n} percent on the last pass",
        lambda: f"{rng.choice(PEOPLE)} are stuck on the road from {rng.choice(CITIES)}",
        lambda: f"the forecast for {place} says {rng.choice(WEATHER)} {rng.choice(WEATHER_DOING)}",
        lambda: f"the {rng.choice(VEHICLES)} from {rng.choice(CITIES)} is {n} minutes late",
        lambda: f"I want {rng.choice(PEOPLE)} on the {sys_} until {rng.choice(TIMES)}",
        lambda: f"temperature at {place} dropped {n} degrees since {rng.choice(TIMES)}",
        lambda: f"can we {rng.choice(ACTIONS)} the {sys_} before {rng.choice(TIMES)}",
        lambda: f"do we know when {rng.choice(WEATHER)} reaches {place}",
        lambda: f"is the {rng.choice(VEHICLES)} to {rng.choice(CITIES)} still running",
        lambda: f"who told {rng.choice(PEOPLE)} about the {sys_}",
    ))()


def compose_line(rng: random.Random, words: int) -> str:
    """A spoken line of about `words` words: clauses joined into one or more sentences."""
    parts: list[str] = []
    count = 0
    if rng.random() < 0.3:
        opener = rng.choice(OPENERS)
        parts.append(opener + ".")
        count += len(opener.split())
    sentence: list[str] = []
    clauses = 0
    while count < words - 2:
        for _ in range(12):  # prefer a clause that keeps the line near its length
            clause = _clause(rng)
            if not clauses or count + len(clause.split()) <= words + 2:
                break
        else:
            break
        sentence.append(clause)
        clauses += 1
        count += len(clause.split())
        # end the sentence here; never past two clauses: a voice speaks (and holds in memory) a
        # sentence at a time, and people do not talk in paragraphs
        if count < words - 2 and (len(sentence) >= 2 or rng.random() < 0.5):
            parts.append(_sentence(sentence, rng))
            sentence = []
    if sentence:
        parts.append(_sentence(sentence, rng))
    text = " ".join(parts)
    return text[0].upper() + text[1:]


def _sentence(clauses: list[str], rng: random.Random) -> str:
    joined = clauses[0]
    for clause in clauses[1:]:
        joined += rng.choice((", and ", ", but ", ", so ", "; ")) + clause
    end = "?" if clauses[0].split()[0] in QUESTION_WORDS else "."
    return joined[0].upper() + joined[1:] + end


def compose_prompt(rng: random.Random) -> str:
    return (f"A {rng.choice(ADJECTIVES)} {rng.choice(FIGURES)} {rng.choice(DOINGS)} {rng.choice(SETTINGS)}, "
            f"{rng.choice(WEATHER)} {rng.choice(WEATHER_DOING)} over {rng.choice(PLACES)}.")


def spoken_seconds(text: str) -> float:
    return len(text.split()) / WORDS_PER_SECOND


def shot_seconds(lines: list[str]) -> float:
    """The build's `duration: auto` for a shot with these lines (estimated)."""
    return LEAD_IN + sum(spoken_seconds(t) for t in lines) + GAP * (len(lines) - 1) + TAIL


@dataclasses.dataclass
class LongFilm:
    screenplay: Path              # DIR/long-film.yaml
    scenes: list[str]             # scene ids in order
    unscored_scenes: list[str]    # scene ids with no music cue
    shots: int
    lines: int
    estimated_seconds: float      # the planned length (the build's timing rules, estimated speech)


def make_long_film(minutes: float, out: Path, width: int = 160, height: int = 90, fps: float = 12,
                   seed: int = 0) -> LongFilm:
    """Write out/long-film.yaml and out/media/ for a film of about `minutes`; deterministic per seed."""
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    rng = random.Random(seed)
    out = Path(out)
    total = minutes * 60.0
    n_scenes = max(1, round(total / SCENE_SECONDS))
    per_scene = total / n_scenes
    said: set[str] = set()
    used_media: set[str] = set()

    def new_line(words: int) -> str:
        while True:
            text = compose_line(rng, words)
            if text not in said:
                said.add(text)
                return text

    def speaker_turns(n: int) -> list[str]:
        first = rng.randrange(2)
        return [ROLES[(first + i) % 2] if rng.random() < 0.8 else rng.choice(ROLES) for i in range(n)]

    def lines_for(budget: float, max_lines: int = 3, max_words: int = 24) -> list[dict]:
        speech = max(2.0, budget - LEAD_IN - TAIL)
        n = max(1, min(max_lines, round(speech / 4.5), int(speech / 2.0) or 1))
        n = rng.choice([k for k in (n - 1, n, n, n + 1) if 1 <= k <= max_lines])
        each = (speech - GAP * (n - 1)) / n
        out_lines = []
        for role in speaker_turns(n):
            words = max(4, min(max_words, round(each * WORDS_PER_SECOND)))
            line = {"speaker": role, "text": new_line(words)}
            if rng.random() < 0.04:
                line = {"speaker": role, "parenthetical": rng.choice(("hesitant", "to the room", "dry")),
                        "text": line["text"]}
            out_lines.append(line)
        return out_lines

    scenes, unscored, score = [], [], []
    n_shots_total = n_lines_total = 0
    planned = 0.0
    for s in range(n_scenes):
        scene_id = f"sc{s + 1:03d}"
        if rng.random() < 0.5:
            heading = f"INT. {rng.choice(HEADINGS_INT)} - {rng.choice(HEADING_TIMES)}"
        else:
            heading = f"EXT. {rng.choice(HEADINGS_EXT)} - {rng.choice(HEADING_TIMES)}"
        # Aim each scene at the running target so rounding never accumulates over a long film.
        scene_target = per_scene * (s + 1) - planned
        n_shots = rng.randint(4, 8)
        kinds = []
        for i in range(n_shots):
            r = rng.random()
            if (i == 0 and r < 0.3) or (0 < i and r < 0.08):
                kinds.append("card")
            elif r < 0.52:
                kinds.append("still")
            elif r < 0.72:
                kinds.append("prompt")
            elif r < 0.85 and "footage" not in kinds:
                kinds.append("footage")
            else:
                kinds.append("still")
        shots = []
        remaining = scene_target
        for i, kind in enumerate(kinds):
            budget = remaining / (n_shots - i)
            shot: dict = {"id": f"{scene_id}-{i + 1:02d}"}
            if kind == "card":
                background, colour = rng.choice(CARD_COLOURS)
                text = (f"{rng.choice(CARD_WORDS)} {rng.choice(NUMBERS)}" if rng.random() < 0.5
                        else f"{rng.choice(CITIES)}, {rng.choice(TIMES)}")
                shot["picture"] = {"card": text, "background": background, "color": colour}
                if rng.random() < 0.5:
                    shot["camera"] = rng.choice(("push-in", "static"))
                seconds = round(rng.uniform(2.5, 4.0), 1)
                shot["duration"] = seconds
            else:
                if kind == "still":
                    still = rng.choice(STILLS)
                    used_media.add(still)
                    shot["picture"] = {"still": still}
                    if rng.random() < 0.4:
                        shot["picture"]["anchor"] = rng.choice(ANCHORS)
                    shot["camera"] = rng.choice(CAMERAS)
                    lines = lines_for(budget)
                elif kind == "prompt":
                    shot["picture"] = {"prompt": compose_prompt(rng)}
                    shot["camera"] = rng.choice(CAMERAS)
                    lines = lines_for(budget)
                else:  # a short footage shot: one short line, in/out points spanning about its length
                    used_media.add(FOOTAGE)
                    lines = lines_for(min(budget, 4.5), max_lines=1, max_words=FOOTAGE_LINE_WORDS)
                    estimate = shot_seconds([ln["text"] for ln in lines])
                    # The spoken line may run longer than estimated: keep the whole shot inside the clip
                    # (a build reads frames from `in` for as long as the shot lasts).
                    latest_in = max(0.0, FOOTAGE_SECONDS - FOOTAGE_SAFETY * estimate - 0.3)
                    start = round(rng.uniform(0.0, latest_in), 2)
                    shot["picture"] = {"footage": FOOTAGE, "in": start,
                                       "out": round(min(FOOTAGE_SECONDS - 0.1, start + estimate + 0.8), 2)}
                    if rng.random() < 0.3:
                        shot["camera"] = rng.choice(("pan-left", "pan-right"))
                shot["lines"] = lines
                seconds = shot_seconds([ln["text"] for ln in lines])
                n_lines_total += len(lines)
            if (s or i) and rng.random() < 0.12:  # never on the film's first shot
                shot["transition"] = {"crossfade": 0.5}
            remaining -= seconds
            planned += seconds
            shots.append(shot)
        n_shots_total += len(shots)
        scenes.append({"id": scene_id, "heading": heading, "shots": shots})
        if s % 2 == 0:
            score.append({"from": shots[0]["id"], "to": shots[-1]["id"], "mood": rng.choice(MOODS),
                          "volume": round(rng.uniform(0.35, 0.55), 2)})
        else:
            unscored.append(scene_id)

    screenplay = {
        "title": TITLE,
        "format": {"width": width, "height": height, "fps": fps},
        "actors": {
            "eileen": {"voice": {"engine": "piper", "model": "en_US-joe-medium", "pitch": 4, "rate": 1.05}},
            "lav": {"voice": {"engine": "piper", "model": "en_US-joe-medium", "pitch": -3, "timbre": -1,
                              "rate": 0.92}},
        },
        "cast": {"COMMANDER": "eileen", "FLIGHT": "lav"},
        "scenes": scenes,
        "score": score,
    }
    out.mkdir(parents=True, exist_ok=True)
    for rel in sorted(used_media):
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.stat().st_size != (EXAMPLE_MEDIA.parent / rel).stat().st_size:
            shutil.copy2(EXAMPLE_MEDIA.parent / rel, dest)
    header = (f"# Generated by scripts/make_long_film.py --minutes {minutes:g} --width {width} --height {height} "
              f"--fps {fps:g} --seed {seed}\n# {n_scenes} scenes, {n_shots_total} shots, {n_lines_total} lines, "
              f"about {planned / 60:.2f} min; unscored scenes: {', '.join(unscored) or 'none'}\n")
    path = out / SCREENPLAY_NAME
    body = yaml.safe_dump(screenplay, sort_keys=False, allow_unicode=True, width=200)
    path.write_text(header + body)
    return LongFilm(path, [sc["id"] for sc in scenes], unscored, n_shots_total, n_lines_total, planned)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Build it with: python -m filmmaker.cli build DIR/long-film.yaml  (writes DIR/out/long-film.mp4)")
    parser.add_argument("--minutes", type=float, required=True, help="the film's length in minutes (e.g. 12)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder for long-film.yaml and media/ (created if missing)")
    parser.add_argument("--width", type=int, default=160, help="frame width in pixels, even (default 160)")
    parser.add_argument("--height", type=int, default=90, help="frame height in pixels, even (default 90)")
    parser.add_argument("--fps", type=float, default=12, help="frames per second (default 12)")
    parser.add_argument("--seed", type=int, default=0, help="seed for every random choice (default 0)")
    args = parser.parse_args()
    if args.width % 2 or args.height % 2:
        parser.error("--width and --height must be even")
    fps = int(args.fps) if float(args.fps).is_integer() else args.fps
    film = make_long_film(args.minutes, args.out, args.width, args.height, fps, args.seed)
    print(f"wrote {film.screenplay}: {len(film.scenes)} scenes, {film.shots} shots, {film.lines} lines, "
          f"about {film.estimated_seconds / 60:.2f} min")
    print(f"scenes with no music cue: {' '.join(film.unscored_scenes) or 'none'}")


if __name__ == "__main__":
    main()
