"""Who of the cast the cut shows or speaks with: the faces it swaps in and the voices it clones,
read from a plan (consent, disclosure and credits all ask). It imports nothing of the plan's own,
so those modules can sit beside plan.py, which adds the disclosure card."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    """What of a person the cut uses, and one shot where (for the message)."""

    actor: str
    what: str  # face or voice
    shot: str


def uses_of(plan) -> list[Use]:
    """Every face swapped into a shot and every voice cloned from a sample, once per actor and kind."""
    sp = plan.screenplay
    found: dict[tuple[str, str], Use] = {}
    for ps in plan.shots:
        for casting in ps.shot.faces:  # as graph.faces lays out its face jobs
            actor = sp.cast[casting.role]
            found.setdefault((actor, "face"), Use(actor, "face", ps.id))
        for pl in ps.lines:
            if pl.actor.voice.sample is not None:  # a voice cloned from a recording of someone
                found.setdefault((pl.actor.id, "voice"), Use(pl.actor.id, "voice", ps.id))
    return list(found.values())
