"""Disclosure a viewer sees: when the cut swaps in a real person's face or speaks with a voice
cloned from one, a card says so in plain words, naming the roles (at the end, the opening, both;
`none` only for internal and audition builds), and the subtitles end with the same note.

Fictional people need none; a public-domain photograph is still of someone real, so it counts.
"""

from __future__ import annotations

from dataclasses import replace

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
    shots = list(plan.shots)
    for side in ("open", "end"):
        if where not in (side, "both"):
            continue
        shot_id = CARD_IDS[side]
        while shot_id in taken:  # a writer's own shot by that name keeps it
            shot_id += "-card"
        scene = shots[0].scene if side == "open" else shots[-1].scene
        planned_shot = type(shots[0])  # plan.PlannedShot, named without importing the module that imports this
        card = planned_shot(0, scene, Shot(shot_id, Picture("card", text), duration=CARD_SECONDS), (), True)
        shots = [card, *shots] if side == "open" else [*shots, card]
    renumbered = tuple(replace(ps, index=i, lines=tuple(replace(pl, shot_index=i) for pl in ps.lines))
                       for i, ps in enumerate(shots))
    index_of = {ps.id: ps.index for ps in renumbered}
    cues = tuple(replace(pc, first=index_of[pc.cue.start_shot], last=index_of[pc.cue.end_shot]) for pc in plan.cues)
    return replace(plan, shots=renumbered, cues=cues, disclosure=text)
