"""Signed provenance in the film: a C2PA manifest (c2pa-python) that says how the cut was made,
who is swapped or cloned in each shot, and that the file was not changed since it was signed.

Importing this package is cheap: its names load on first use (a no-op build needs only the
manifest), and c2pa and cryptography inside the functions that use them.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "SELF_SIGNED_NOTE": "keys", "SignerConfig": "keys", "project_signer": "keys", "user_signer": "keys",
    "FilmProvenance": "manifest", "Ingredient": "manifest", "ShotRecord": "manifest", "manifest_json": "manifest",
    "NotSigned": "sign", "read_film": "sign", "sign_film": "sign",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
