"""Casting an imported script from the voice palette: roles that share a scene get voices told apart.

Graph colouring by the palette's measured distances: roles are cast in order of their line counts
(the leads pick first), each taking the voice farthest from the voices already given to the roles
it shares a scene with. Roles that never meet may share a voice. Distances count up to CLEAR: past
it two voices are plainly different people and a bigger gap buys nothing, so the choice goes on to
variety (women and men in turn) and to the palette's order (its first voices transcribe best).
Where that greedy order corners a role (its partners across scenes hold every voice), a short
depth-first search backs up through the earlier choices; only when none is found (a scene with
more speakers than the palette has voices, or too tangled a cast) do two roles get voices alike,
and those pairs are reported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from filmmaker.backends.voice.palette import PALETTE, PaletteVoice, alike, distance, palette_voice

CLEAR = 2.0  # distance (1.0 = just told apart) past which farther does not matter: 4 semitones or 6 dB
SEARCH_TRIES = 50  # voices tried per role before the search gives up on a casting with no two alike


@dataclass(frozen=True)
class Casting:
    voices: dict[str, str]  # role -> palette voice name, for every role
    alike: tuple[tuple[str, str, str], ...]  # (scene label, role, role): they share it and sound alike


def cast_roles(scenes: Sequence[Sequence[str]], lines: Mapping[str, int]) -> Casting:
    """A palette voice for every role in `scenes` (each scene's speaking roles) and `lines` (each
    role's number of lines)."""
    scenes = [list(dict.fromkeys(scene)) for scene in scenes]  # a role speaks once per scene, for us
    roles = _pick_order(scenes, lines)
    met = _neighbours(scenes, roles)
    possible = all(len(scene) <= len(PALETTE) for scene in scenes)
    voices = (possible and _search(roles, met, SEARCH_TRIES * len(roles))) or _greedy(roles, met)
    return Casting({role: voices[role] for role in roles}, _alike_pairs(scenes, voices))


def _pick_order(scenes: list[list[str]], lines: Mapping[str, int]) -> list[str]:
    """Every role, most lines first; ties in order of first appearance (scenes, then `lines`)."""
    seen = list(dict.fromkeys([role for scene in scenes for role in scene] + list(lines)))
    first = {role: index for index, role in enumerate(seen)}
    return sorted(seen, key=lambda role: (-lines.get(role, 0), first[role]))


def _neighbours(scenes: list[list[str]], roles: list[str]) -> dict[str, list[str]]:
    """Each role's scene partners, in pick order."""
    met: dict[str, set[str]] = {role: set() for role in roles}
    for scene in scenes:
        for role in scene:
            met[role].update(other for other in scene if other != role)
    return {role: [other for other in roles if other in met[role]] for role in roles}


def _search(roles: list[str], met: dict[str, list[str]], tries: int) -> dict[str, str] | None:
    """Depth first in pick order, each role trying its voices best first and only voices apart from
    its partners' above it, backing up when a role has none left. The first casting found is the
    greedy one whenever greedy corners no role. None: no such casting, or not within `tries`."""
    voices: dict[str, str] = {}
    options: list[list[str]] = []  # per role down to the current one: the voices it has yet to try
    depth = 0
    while depth < len(roles):
        role = roles[depth]
        if len(options) == depth:  # arriving: rank its voices against the roles above
            options.append([voice.name for voice in _ranked(role, met[role], voices)
                            if not any(alike(voice.name, voices[other]) for other in met[role] if other in voices)])
        voices.pop(role, None)
        if not options[depth]:  # cornered: back up one role and try its next voice
            options.pop()
            depth -= 1
            if depth < 0:
                return None
            continue
        tries -= 1
        if tries < 0:
            return None
        voices[role] = options[depth].pop(0)
        depth += 1
    return voices


def _greedy(roles: list[str], met: dict[str, list[str]]) -> dict[str, str]:
    """Each role in pick order takes its best voice; then the cornered ones are recast."""
    voices: dict[str, str] = {}
    for role in roles:
        voices[role] = _ranked(role, met[role], voices)[0].name
    _repair(roles, met, voices)
    return voices


def _ranked(role: str, partners: list[str], voices: dict[str, str]) -> list[PaletteVoice]:
    """The palette, best first: the voice farthest (up to CLEAR) from the partners' voices cast so
    far; then the one alike to the fewest of them, and to the smallest parts (partners come in pick
    order); then the sex cast less often so far; then the palette's order."""
    heard = [voices[other] for other in partners if other in voices]
    others = [voice for cast, voice in voices.items() if cast != role]
    women = sum(1 for name in others if palette_voice(name).sex == "woman")
    wanted = "woman" if women <= len(others) - women else "man"

    def score(index: int) -> tuple:
        voice = PALETTE[index]
        nearest = min((distance(voice.name, name) for name in heard), default=CLEAR)
        doubles = [rank for rank, name in enumerate(heard) if alike(voice.name, name)]
        return (min(nearest, CLEAR), -len(doubles), min(doubles, default=len(heard)), voice.sex == wanted, -index)

    return [PALETTE[index] for index in sorted(range(len(PALETTE)), key=score, reverse=True)]


def _repair(roles: list[str], met: dict[str, list[str]], voices: dict[str, str]) -> None:
    """Recast, least lines first, a role still alike to a partner if, knowing every partner's
    voice now, another voice sets it farther from them: greedy order can corner a role that a
    later choice would have freed."""
    for _ in range(len(roles)):
        changed = False
        for role in reversed(roles):
            if not any(alike(voices[role], voices[other]) for other in met[role]):
                continue
            better = _ranked(role, met[role], voices)[0].name
            if _nearest(better, role, met, voices) > _nearest(voices[role], role, met, voices):
                voices[role], changed = better, True
        if not changed:
            return


def _nearest(name: str, role: str, met: dict[str, list[str]], voices: dict[str, str]) -> float:
    return min((distance(name, voices[other]) for other in met[role]), default=CLEAR)


def _alike_pairs(scenes: list[list[str]], voices: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """Each pair of roles that sound alike, once, with the first scene they share."""
    out, reported = [], set()
    for index, scene in enumerate(scenes):
        for i, a in enumerate(scene):
            for b in scene[i + 1:]:
                if alike(voices[a], voices[b]) and frozenset((a, b)) not in reported:
                    reported.add(frozenset((a, b)))
                    out.append((f"scene {index + 1}", a, b))
    return tuple(out)
