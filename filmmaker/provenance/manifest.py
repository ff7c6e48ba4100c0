"""What a film says about how it was made, as plain data, and the C2PA manifest definition built
from it (pure: no c2pa import; sign.py hands the definition to c2pa's Builder).

The manifest:
- `claim_generator_info`: filmmaker and its version; `title`; `format` video/mp4;
- `c2pa.actions.v2`: first `c2pa.created` for the cut (digital source type
  compositeWithTrainedAlgorithmicMedia; plain `composite` when nothing in it was generated),
  linking the models as `inputTo` ingredients; then one `c2pa.edited` per generated kind
  (pictures, swapped faces, voices, music) with trainedAlgorithmicMedia, linking the face photos
  or voice samples it was made from and naming its shots; then one `c2pa.placed` per digital
  source type of the media placed in the cut (stills, footage, music tracks), linking them;
- ingredients: metadata only, never the files' bytes. c2pa-python 0.38 adds an ingredient from
  bytes (`Builder.add_ingredient`), but the manifest definition's `ingredients` array, given to
  `Builder(definition)`, becomes `c2pa.ingredient.v3` assertions with no bytes read. Each carries
  its title, MIME format, relationship, `instance_id` `filmmaker:<kind>:<sha256>` (what actions link
  by) and `metadata` with `org.filmmaker.sha256`, `org.filmmaker.kind` and
  `org.filmmaker.digitalSourceType`; models also carry the data type `c2pa.types.model`;
- `org.filmmaker.cast` (a custom assertion, labelled by reverse domain name as C2PA asks): per
  shot the swapped faces (role, actor), cloned voices (role, actor, engine) and generated kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import filmmaker

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
COMPOSITE_TRAINED = IPTC + "compositeWithTrainedAlgorithmicMedia"
TRAINED = IPTC + "trainedAlgorithmicMedia"
COMPOSITE = IPTC + "composite"
CAST_LABEL = "org.filmmaker.cast"
ACTIONS_LABEL = "c2pa.actions.v2"

# generated kind -> (what the action says, the ingredient kinds it is made from)
GENERATED = {
    "picture": ("generated pictures", ()),
    "face": ("faces swapped onto stand-ins", ("face",)),
    "voice": ("synthesized and cloned voices", ("voice",)),
    "music": ("generated music", ()),
}
# Ingredients that condition a generator rather than appear in the cut (C2PA's `inputTo`)
INPUT_KINDS = {"model", "face", "voice"}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Ingredient:
    """A file the film was made from, named by its content."""

    title: str  # e.g. the file name
    kind: str  # still | footage | face | voice | music | model | ...
    sha256: str  # hex digest of the file's bytes
    format: str  # MIME type, e.g. image/jpeg
    source_type: str  # IPTC digital source type: a term (digitalCapture) or its full URI

    def __post_init__(self):
        if not self.title or not self.kind:
            raise ValueError(f"ingredient {self!r}: title and kind must not be empty")
        if not _HEX64.match(self.sha256):
            raise ValueError(f"ingredient {self.title!r}: sha256 must be 64 lowercase hex digits, got {self.sha256!r}")
        if "/" not in self.format:
            raise ValueError(f"ingredient {self.title!r}: format must be a MIME type, got {self.format!r}")
        if not self.source_type:
            raise ValueError(f"ingredient {self.title!r}: source_type must not be empty")

    @property
    def source_type_uri(self) -> str:
        return self.source_type if "://" in self.source_type else IPTC + self.source_type

    @property
    def instance_id(self) -> str:
        return f"filmmaker:{self.kind}:{self.sha256}"

    @property
    def relationship(self) -> str:
        return "inputTo" if self.kind in INPUT_KINDS else "componentOf"


@dataclass(frozen=True)
class ShotRecord:
    """Who is swapped or cloned in one shot, and what in it was generated."""

    shot_id: str
    swapped_faces: list[dict] = field(default_factory=list)  # {role, actor}
    cloned_voices: list[dict] = field(default_factory=list)  # {role, actor, engine}
    generated: list[str] = field(default_factory=list)  # picture | face | voice | music | ...

    def __post_init__(self):
        for name, keys in (("swapped_faces", {"role", "actor"}), ("cloned_voices", {"role", "actor", "engine"})):
            for entry in getattr(self, name):
                if set(entry) != keys:
                    raise ValueError(f"shot {self.shot_id}: each of {name} has exactly {sorted(keys)}, got {entry!r}")

    @property
    def any_generated(self) -> bool:
        return bool(self.generated or self.swapped_faces or self.cloned_voices)


@dataclass(frozen=True)
class FilmProvenance:
    title: str
    ingredients: list[Ingredient] = field(default_factory=list)
    shots: list[ShotRecord] = field(default_factory=list)
    contains_generated: bool = True
    generator: str = "filmmaker"
    generator_version: str = filmmaker.__version__

    def __post_init__(self):
        if not self.contains_generated:
            made = [s.shot_id for s in self.shots if s.any_generated]
            if made:
                raise ValueError(f"contains_generated is False, but shots {', '.join(made)} have generated, swapped "
                                 "or cloned content")


def manifest_json(p: FilmProvenance) -> dict:
    """The C2PA manifest definition for `p` (a dict for c2pa's Builder)."""
    ingredients = _unique(p.ingredients)
    generated = _generated_kinds(p.shots)
    linked: set[str] = set()
    steps = []
    for kind in generated:
        what, from_kinds = GENERATED.get(kind, (f"generated {kind}", ()))
        sources = [i.instance_id for i in ingredients if i.kind in from_kinds]
        linked.update(sources)
        shots = [s.shot_id for s in p.shots if kind in _kinds_of(s)]
        parameters = {"org.filmmaker.generated": kind, "org.filmmaker.shots": shots}
        if sources:
            parameters["ingredientIds"] = sources
        steps.append({"action": "c2pa.edited", "digitalSourceType": TRAINED, "description": what,
                      "parameters": parameters})
    for source_type in dict.fromkeys(i.source_type_uri for i in ingredients if i.relationship == "componentOf"):
        placed = [i for i in ingredients if i.relationship == "componentOf" and i.source_type_uri == source_type]
        steps.append({"action": "c2pa.placed", "digitalSourceType": source_type,
                      "description": "placed in the cut: " + ", ".join(sorted({i.kind for i in placed})),
                      "parameters": {"ingredientIds": [i.instance_id for i in placed]}})
    # the models, and any input no generated kind claimed, are inputs to the making of the whole cut
    inputs = [i.instance_id for i in ingredients if i.relationship == "inputTo" and i.instance_id not in linked]
    created = {"action": "c2pa.created", "digitalSourceType": COMPOSITE_TRAINED if p.contains_generated else COMPOSITE,
               "softwareAgent": {"name": p.generator, "version": p.generator_version},
               "description": "the cut, assembled from its shots by " + p.generator}
    if inputs:
        created["parameters"] = {"ingredientIds": inputs}
    cast = {"version": 1, "shots": [{"shot": s.shot_id, "swapped_faces": [dict(f) for f in s.swapped_faces],
                                     "cloned_voices": [dict(v) for v in s.cloned_voices],
                                     "generated": list(s.generated)} for s in p.shots]}
    return {
        "claim_generator_info": [{"name": p.generator, "version": p.generator_version}],
        "title": p.title,
        "format": "video/mp4",
        "ingredients": [_ingredient_json(i) for i in ingredients],
        "assertions": [
            {"label": ACTIONS_LABEL, "data": {"actions": [created, *steps]}},
            {"label": CAST_LABEL, "data": cast},
        ],
    }


def _unique(ingredients: list[Ingredient]) -> list[Ingredient]:
    """One ingredient per (kind, content): actions link by an id made of the two."""
    seen: dict[str, Ingredient] = {}
    for i in ingredients:
        seen.setdefault(i.instance_id, i)
    return list(seen.values())


def _kinds_of(shot: ShotRecord) -> set[str]:
    """A shot's generated kinds; a swapped face or a cloned voice is generated too."""
    return (set(shot.generated) | ({"face"} if shot.swapped_faces else set())
            | ({"voice"} if shot.cloned_voices else set()))


def _generated_kinds(shots: list[ShotRecord]) -> list[str]:
    """The generated kinds in the film, known ones first in a fixed order."""
    kinds = set().union(*(_kinds_of(s) for s in shots)) if shots else set()
    return [k for k in GENERATED if k in kinds] + sorted(kinds - set(GENERATED))


def _ingredient_json(i: Ingredient) -> dict:
    entry = {"title": i.title, "format": i.format, "relationship": i.relationship, "instance_id": i.instance_id,
             "metadata": {"org.filmmaker.sha256": i.sha256, "org.filmmaker.kind": i.kind,
                          "org.filmmaker.digitalSourceType": i.source_type_uri}}
    if i.kind == "model":
        entry["data_types"] = [{"type": "c2pa.types.model"}]
    return entry
