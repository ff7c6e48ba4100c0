"""Signed provenance in the film: a C2PA manifest (c2pa-python) that says how the cut was made,
who is swapped or cloned in each shot, and that the file was not changed since it was signed.

Importing this package is cheap: c2pa and cryptography load inside the functions that use them.
"""

from filmmaker.provenance.keys import SELF_SIGNED_NOTE, SignerConfig, project_signer, user_signer
from filmmaker.provenance.manifest import FilmProvenance, Ingredient, ShotRecord, manifest_json
from filmmaker.provenance.sign import NotSigned, read_film, sign_film

__all__ = ["SELF_SIGNED_NOTE", "FilmProvenance", "Ingredient", "NotSigned", "ShotRecord", "SignerConfig",
           "manifest_json", "project_signer", "read_film", "sign_film", "user_signer"]
