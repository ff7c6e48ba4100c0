"""The signed film: the cut with a C2PA manifest saying how it was made (filmmaker.provenance), signed on
the driver with the user's certificate (`provenance: {cert:, key:}`) or the project's own key.

The cut itself stays as it was made (and byte-identical wherever it was made); the signed copy is
its own cache entry, keyed by the cut, the manifest and the signing certificate, so a rebuild that
changes none of them signs nothing. A signature is new bytes each time it is made (ECDSA draws a
random nonce): the film in out/ is identical to the cut in everything but its manifest box.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from filmmaker.cache import content_key
from filmmaker.graph.node import DRIVER, Node
from filmmaker.plan import Plan

VERSION = 1
CAPTURED, GENERATED = "digitalCapture", "trainedAlgorithmicMedia"


def provenance_of(plan: Plan, resolved, file_hash):
    """What the manifest says: the cut's ingredients by hash and each shot's faces, voices and
    generated parts."""
    from filmmaker.graph.faces import face_jobs
    from filmmaker.provenance import FilmProvenance, Ingredient, ShotRecord

    sp, ingredients, shots = plan.screenplay, [], []

    def add(path: Path, kind: str, source_type: str) -> None:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        ingredients.append(Ingredient(path.name, kind, file_hash(path), mime, source_type))

    sung = {i for pc in plan.cues if pc.cue.song or pc.cue.generate for i in range(pc.first, pc.last + 1)}
    for ps in plan.shots:
        picture = ps.shot.picture
        if picture.path is not None:
            add(picture.path, picture.kind, CAPTURED)
        faces = [{"role": job.role, "actor": job.actor} for job in face_jobs(plan, ps)]
        for job in face_jobs(plan, ps):
            add(job.face, "face", CAPTURED)
        voices = []
        for pl in ps.lines:
            if pl.actor.voice.sample is not None:
                add(pl.actor.voice.sample, "voice", CAPTURED)
                voices.append({"role": pl.line.speaker, "actor": pl.actor.id, "engine": pl.actor.voice.engine})
        generated = (["picture"] if resolved.generates(ps) else []) + (["face"] if faces else []) \
            + (["voice"] if ps.lines else []) + (["music"] if ps.index in sung else [])
        unique_voices = [dict(v) for v in {tuple(sorted(v.items())): v for v in voices}.values()]
        shots.append(ShotRecord(ps.id, faces, unique_voices, generated))
    for source in resolved.sources.values():
        if source.path is not None:
            add(source.path, "music", GENERATED if source.kind == "stock" else CAPTURED)
        if source.model_identity is not None:
            ingredients.append(Ingredient(source.model.name, "model", content_key(source.model_identity),
                                          "application/octet-stream", GENERATED))
    if resolved.image_model is not None:
        name = Path(str(sp.imagery.model)).name
        ingredients.append(Ingredient(name, "model", content_key({"imagery": str(sp.imagery.model)}),
                                      "application/octet-stream", GENERATED))
    return FilmProvenance(sp.title, ingredients, shots)


def signer_fields(plan: Plan, file_hash) -> dict:
    """What identifies the signing certificate in the key, from files only (no cryptography loaded)."""
    sp = plan.screenplay
    if sp.provenance_cert is not None:
        from filmmaker.provenance import user_signer

        user_signer(sp.provenance_cert, sp.provenance_key)  # a wrong key or certificate: refused before any work
        return {"cert": file_hash(sp.provenance_cert), "key": file_hash(sp.provenance_key)}
    # the project's own key, made by the first signing: a film signed with it stays valid whatever
    # happens to the key later, so the key's bytes are not part of the entry's key
    return {"project": True}


def signed_node(plan: Plan, cut: Node, provenance, file_hash) -> Node:
    from filmmaker.provenance import manifest_json

    key = content_key({"kind": "signed", "v": VERSION, "cut": cut.key, "manifest": manifest_json(provenance),
                       "signer": signer_fields(plan, file_hash)})
    return Node("signed", "film", key, ".mp4", (cut.id,), {"cut": cut.key}, runs_on=DRIVER)


def make(work, node: Node) -> dict:
    from filmmaker.provenance import project_signer, sign_film, user_signer

    sp = work.plan.screenplay
    signer = user_signer(sp.provenance_cert, sp.provenance_key) if sp.provenance_cert is not None \
        else project_signer(sp.root / ".filmmaker")
    provenance = provenance_of(work.plan, work.resolved, work.file_hash)
    with work.cache.put("signed", node.key, ".mp4") as tmp:
        sign_film(work.cache.path("cut", node.args["cut"], ".mp4"), tmp, provenance, signer)
    return {}
