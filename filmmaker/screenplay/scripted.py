"""The parts of a screenplay that a writer's script says and a YAML film need not:

    title_page: {Credit: Written by, Author: Ada Lane, Draft date: 1 May 2026}   # an opening title card
    scenes:
      - heading: INT. KITCHEN - NIGHT
        number: 12A                                   # the script's scene number
        shots:
          - description: Mara pours coffee.          # no picture: a prompt from these words
            notes: [Find a warmer light]              # the writer's notes: nothing in the cut
            transition: {fade: 1.5, as: FADE IN:}     # cut | crossfade | fade, and the script's wording
            fade_out: {fade: 2, as: FADE TO BLACK.}   # or seconds: the shot fades to black at its end
            lines:
              - {speaker: MARA, text: Hello., extension: (V.O.), overlap: false, sung: false}
"""

from __future__ import annotations

import yaml

from filmmaker.screenplay.model import Transition
from filmmaker.screenplay.reader import NodeReader, scalar_number

FADE_SECONDS = 1.0  # a fade or crossfade given without its length
MAX_LABEL = 60


def read_transition(reader: NodeReader, node: yaml.Node, field: str) -> Transition:
    """`cut`, `crossfade`, `fade`, or `{crossfade|fade: SECONDS, as: WORDING}` (`{as: ...}` alone: a cut)."""
    if isinstance(node, yaml.ScalarNode):
        kind = reader.choice(node, field, ("cut", "crossfade", "fade"), "cut")
        return Transition(kind, FADE_SECONDS) if kind != "cut" else Transition()
    m = reader.mapping(node, field, ("crossfade", "fade", "as"))
    kinds = [k for k in ("crossfade", "fade") if k in m]
    if len(kinds) > 1:
        reader.fail(m[kinds[1]], f"{field}.{kinds[1]}", "give one of crossfade or fade")
    label = _label(reader, m, field)
    if not kinds:
        return Transition(label=label)
    seconds = reader.number(m[kinds[0]], f"{field}.{kinds[0]}", FADE_SECONDS, low=0.04, high=10)
    return Transition(kinds[0], seconds, label)


def read_fade_out(reader: NodeReader, node: yaml.Node, field: str) -> Transition | None:
    """Seconds, `true` (a second), or `{fade: SECONDS, as: WORDING}`."""
    if isinstance(node, yaml.ScalarNode) and scalar_number(node) is None:
        return Transition("fade", FADE_SECONDS) if reader.boolean(node, field, False) else None
    if isinstance(node, yaml.ScalarNode):
        return Transition("fade", reader.number(node, field, FADE_SECONDS, low=0.04, high=10))
    m = reader.mapping(node, field, ("fade", "as"), required=("fade",))
    seconds = reader.number(m["fade"], f"{field}.fade", FADE_SECONDS, low=0.04, high=10) if "fade" in m \
        else FADE_SECONDS
    return Transition("fade", seconds, _label(reader, m, field))


def _label(reader: NodeReader, m: dict, field: str) -> str | None:
    if "as" not in m:
        return None
    return reader.text(m["as"], f"{field}.as", limit=MAX_LABEL, too_long="a transition is a few words") or None


def read_notes(reader: NodeReader, node: yaml.Node, field: str) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        return (reader.text(node, field),)
    return tuple(reader.text(n, f"{field}[{i}]") for i, n in enumerate(reader.sequence(node, field)))


def read_title_page(reader: NodeReader, node: yaml.Node) -> tuple[tuple[str, str], ...]:
    """Free keys in the order written (Credit, Author, Draft date, Contact...), each to text."""
    return tuple((key.value, reader.text(value, f"title_page.{key.value}"))
                 for key, value in reader.table(node, "title_page"))


def read_scene_number(reader: NodeReader, node: yaml.Node, field: str) -> str | None:
    number = reader.text(node, field, limit=12, too_long="a scene number is a few characters, such as 12A")
    if number and not all(c.isalnum() or c in ".-" for c in number):
        reader.fail(node, field, f"{number!r}: a scene number holds letters, digits, '.' and '-'")
        return None
    return number or None

