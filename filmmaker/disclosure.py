"""Disclosure a viewer sees: when the cut swaps in a real person's face or speaks with a voice
cloned from one, a card says so in plain words, naming the roles (at the end, the opening, both;
`none` only for internal and audition builds), and the subtitles end with the same note.

Fictional people need none; a public-domain photograph is still of someone real, so it counts.
"""

from __future__ import annotations

from dataclasses import replace

from filmmaker.cards import card_id, insert_cards
from filmmaker.screenplay.model import Picture, Shot

CARDS = ("end", "open", "both", "none")
CARD_SECONDS = 5.0
CARD_IDS = {"open": "disclosure-open", "end": "disclosure"}


def disclosure_text(plan) -> str | None:
    """The note, or None when nothing in the cut is a real person's likeness made by AI."""
    from filmmaker.people import uses_of

    sp = plan.screenplay
    roles: dict[str, list[str]] = {}
    for use in uses_of(plan):
        if sp.actors[use.actor].person == "fictional":
            continue
        for role, actor in sp.cast.items():
            if actor == use.actor:
                roles.setdefault(role, []).append(use.what)
    if not roles:
        return None
    parts = [f"{role}'s {' and '.join(sorted(set(what)))}" for role, what in sorted(roles.items())]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"This film uses AI to show real people: {listed} are synthetic, made with filmmaker."


def with_disclosure(plan):
    """The plan with its disclosure card(s) added as shots, when the cut needs them."""
    where = plan.screenplay.disclosure
    text = disclosure_text(plan) if where != "none" else None
    if text is None:
        return plan
    taken = {ps.id for ps in plan.shots}
    cards = {side: [(Shot(card_id(CARD_IDS[side], taken), Picture("card", text), duration=CARD_SECONDS), True)]
             if where in (side, "both") else [] for side in ("open", "end")}
    return replace(insert_cards(plan, front=cards["open"], back=cards["end"]), disclosure=text)
