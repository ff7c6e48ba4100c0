"""What a `prompt` shot asks an image model for: the composed prompt, its seed and settings.

Pure data, no torch: the build keys its cache on a `Generation` without loading any model, so a
no-op rebuild of a film with generated pictures never imports diffusers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from filmmaker.plan import Plan, PlannedShot
from filmmaker.screenplay.model import Imagery

# A scene heading's parts: INT./EXT., the place, the time of day ("INT. MISSION CONTROL - NIGHT").
_HEADING = re.compile(r"^\s*(?P<where>INT\.?/EXT\.?|EXT\.?/INT\.?|I/E\.?|INT\.?|EXT\.?)?\s*(?P<place>.*?)"
                      r"(?:\s+[-–—]\s+(?P<when>[^-–—]+))?\s*$", re.IGNORECASE)
_SETTINGS = {"INT": "interior", "EXT": "exterior"}


@dataclass(frozen=True)
class Generation:
    """One picture to generate; equal generations give identical pixels on the same device."""

    shot: str
    prompt: str
    negative: str
    seed: int
    steps: int
    guidance: float

    def batch_settings(self) -> tuple[int, float]:
        """Generations that share these can run in one batch."""
        return self.steps, self.guidance


def describe_heading(heading: str) -> str:
    """'INT. MISSION CONTROL - NIGHT' -> 'interior, mission control, night'."""
    match = _HEADING.match(heading)
    if not match:
        return heading.lower()
    where = (match["where"] or "").upper().replace(".", "")
    setting = _SETTINGS.get(where, "interior and exterior" if "/" in where else "")
    parts = [setting, match["place"].strip(" .").lower(), (match["when"] or "").strip(" .").lower()]
    return ", ".join(part for part in parts if part)


def on_screen(plan: Plan, ps: PlannedShot) -> list[str]:
    """The roles in the picture: those whose faces are cast on it, else those who speak."""
    roles = [casting.role for casting in ps.shot.faces] or [pl.line.speaker for pl in ps.lines]
    return list(dict.fromkeys(roles))


def compose_prompt(plan: Plan, ps: PlannedShot, style: str) -> str:
    """The shot's own words first (models weigh early tokens most), then who is in it (their
    actors' `look`), where and when, and the film's style last."""
    sp = plan.screenplay
    looks = [sp.actors[sp.cast[role]].look for role in on_screen(plan, ps)]
    parts = [ps.shot.picture.source, *(look for look in looks if look), describe_heading(ps.scene.heading), style]
    return ", ".join(part.strip().rstrip(",") for part in parts if part and part.strip())


def shot_seed(film_seed: int, shot_id: str) -> int:
    """A seed per shot, derived from the film's: stable when other shots are added or removed."""
    digest = hashlib.sha256(f"{film_seed}:{shot_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def generation(plan: Plan, ps: PlannedShot, imagery: Imagery) -> Generation:
    own = ps.shot.picture.imagery
    style = own.style if own and own.style is not None else imagery.style
    negative = own.negative if own and own.negative is not None else imagery.negative
    seed = own.seed if own and own.seed is not None else shot_seed(imagery.seed, ps.id)
    steps = own.steps if own and own.steps is not None else imagery.steps
    guidance = own.guidance if own and own.guidance is not None else imagery.guidance
    return Generation(ps.id, compose_prompt(plan, ps, style), negative, seed, steps, guidance)
