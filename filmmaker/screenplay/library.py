"""The screenplay's media library, and shots that find their picture in it by meaning:

    library:
      media: [stock/, ~/footage/archive]     # folders of stills and footage (with NAME.json sidecars)
      threshold: 0.3                         # the least score a `find:` takes (cosine, 0..1)
      clip_model: models/clip-vit-b32        # optional: undescribed media embedded by their frames
      text_model: models/minilm              # optional: another sentence-transformers folder
    scenes:
      - heading: EXT. LAUNCH PAD - DAWN
        shots:
          - picture: {find: "a rocket on the pad at dawn, wide", reuse: false}

Folders may sit outside the project (the writer's archive): naming one here is the consent to read it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from filmmaker.screenplay.model import Find, LibrarySettings
from filmmaker.screenplay.reader import NodeReader, position

MAX_FIND = 500  # a description, not a page: what the embedding model reads is 256 word pieces


def read_library(reader: NodeReader, node: yaml.Node) -> LibrarySettings:
    m = reader.mapping(node, "library", ("media", "threshold", "clip_model", "text_model"), required=("media",))
    media = []
    if "media" in m:
        listed = m["media"].value if isinstance(m["media"], yaml.SequenceNode) else [m["media"]]
        for i, item in enumerate(listed):
            field = f"library.media[{i}]" if isinstance(m["media"], yaml.SequenceNode) else "library.media"
            folder = _folder(reader, item, field, "media folder", "a folder of stills and footage")
            if folder is not None:
                media.append(folder)
        if not listed:
            reader.fail(m["media"], "library.media", "no folders listed; give at least one folder of stills "
                        "and footage, e.g. `media: [stock/]`")
    threshold = reader.number(m["threshold"], "library.threshold", 0.3, low=0, high=1) if "threshold" in m else 0.3
    models = {name: _folder(reader, m[name], f"library.{name}", "model folder",
                            "a model folder (config.json and weights)") for name in ("clip_model", "text_model")
              if name in m}
    return LibrarySettings(tuple(dict.fromkeys(media)), models.get("clip_model"), models.get("text_model"),
                           threshold, pos={key: position(value) for key, value in m.items()} | {"": position(node)})


def _folder(reader: NodeReader, node: yaml.Node, field: str, what: str, fix: str) -> Path | None:
    value = reader.path_text(node, field)
    if not value:
        return None
    path = Path(reader.root / Path(value).expanduser()).resolve()
    if not path.is_dir():
        said = f"{path} is not a folder" if path.exists() else f"{what} not found: {path}"
        reader.fail(node, field, f"{said}; give {fix}, relative to the screenplay or from ~")
        return None
    return path


def read_find(reader: NodeReader, m: dict[str, yaml.Node], field: str) -> Find:
    """`find: DESCRIPTION` (with `reuse: true`, it may take a picture another shot took)."""
    text = reader.text(m["find"], f"{field}.find", limit=MAX_FIND,
                       too_long="describe the shot in a sentence or two")
    reuse = reader.boolean(m["reuse"], f"{field}.reuse", False) if "reuse" in m else False
    return Find(text, reuse, pos={key: position(value) for key, value in m.items()})
