"""Signed provenance: a real MP4 signed by the real c2pa library, read back by c2pa.Reader itself,
tampered with, probed, and signed with a user's own chain made here with cryptography."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import struct
import subprocess
from pathlib import Path

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

import filmmaker
from filmmaker.errors import RenderError, ResolveError
from filmmaker.provenance import (
    FilmProvenance,
    Ingredient,
    NotSigned,
    ShotRecord,
    manifest_json,
    project_signer,
    read_film,
    sign_film,
    user_signer,
)
from filmmaker.render.ffmpeg import ffmpeg_exe

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


INGREDIENTS = [
    Ingredient("office.jpg", "still", sha("office"), "image/jpeg", "digitalCapture"),
    Ingredient("deep-field.mp4", "footage", sha("field"), "video/mp4", "digitalCapture"),
    Ingredient("eileen.jpg", "face", sha("face"), "image/jpeg", "digitalCapture"),
    Ingredient("eileen.wav", "voice", sha("voice"), "audio/wav", "digitalCapture"),
    Ingredient("launch-theme.mp3", "music", sha("music"), "audio/mpeg", "trainedAlgorithmicMedia"),
    Ingredient("joe-us.onnx", "model", sha("model"), "application/octet-stream", "trainedAlgorithmicMedia"),
]
SHOTS = [
    ShotRecord("1-1", swapped_faces=[{"role": "ANNA", "actor": "eileen"}],
               cloned_voices=[{"role": "ANNA", "actor": "eileen", "engine": "coqui"}], generated=["picture", "voice"]),
    ShotRecord("1-2", generated=["voice", "music"]),
]
FILM = FilmProvenance(title="The Launch", ingredients=INGREDIENTS, shots=SHOTS, contains_generated=True)


def make_clip(path: Path, *flags: str) -> Path:
    """2 s of test picture and a tone: H.264 + AAC, faststart unless other flags are given."""
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=size=160x120:rate=24:duration=2",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-shortest",
                    *(flags or ("-movflags", "+faststart")), str(path)], check=True)
    return path


def top_boxes(path: Path) -> list[tuple[str, int, int]]:
    """(type, offset, size) of each top-level box, parsed here independently of the code under test."""
    data, boxes, offset = path.read_bytes(), [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        boxes.append((kind.decode(), offset, size or len(data) - offset))
        offset += size or len(data) - offset
    return boxes


def reader_store(path: Path, **kwargs) -> tuple[dict, str]:
    with c2pa.Reader(str(path), **kwargs) as reader:
        return json.loads(reader.json()), reader.get_validation_state()


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "cut.mp4")


@pytest.fixture(scope="module")
def signed(tmp_path_factory, clip):
    folder = tmp_path_factory.mktemp("signed")
    signer = project_signer(folder / ".filmmaker")
    dst = folder / "signed.mp4"
    sign_film(clip, dst, FILM, signer)
    return dst, signer


# ---------------------------------------------------------------------------------------------


def test_c2pa_reader_sees_the_actions_ingredients_and_cast(signed):
    path, _ = signed
    store, state = reader_store(path)
    assert state == "Valid"  # signature and hashes good; the project CA is on no trust list
    assert {s["code"] for s in store.get("validation_status", [])} == {"signingCredential.untrusted"}
    manifest = store["manifests"][store["active_manifest"]]
    assert manifest["claim_generator_info"][0]["name"] == "filmmaker"
    assert manifest["claim_generator_info"][0]["version"] == filmmaker.__version__
    assert manifest["title"] == "The Launch"

    ingredients = {i["title"]: i for i in manifest["ingredients"]}
    assert set(ingredients) == {i.title for i in INGREDIENTS}
    for mine in INGREDIENTS:
        theirs = ingredients[mine.title]
        assert theirs["metadata"]["org.filmmaker.sha256"] == mine.sha256
        assert theirs["instance_id"] == f"filmmaker:{mine.kind}:{mine.sha256}"
        assert theirs["format"] == mine.format
        assert theirs["relationship"] == ("inputTo" if mine.kind in {"model", "face", "voice"} else "componentOf")
    by_label = {i["label"]: i["title"] for i in manifest["ingredients"]}

    def linked(action):  # the titles of the ingredients an action points at
        urls = action.get("parameters", {}).get("ingredients", [])
        return {by_label[u["url"].rsplit("/", 1)[-1]] for u in urls}

    assertions = {a["label"]: a["data"] for a in manifest["assertions"]}
    actions = assertions["c2pa.actions.v2"]["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == IPTC + "compositeWithTrainedAlgorithmicMedia"
    assert linked(actions[0]) == {"joe-us.onnx"}
    generated = {a["parameters"]["org.filmmaker.generated"]: a for a in actions if a["action"] == "c2pa.edited"}
    assert set(generated) == {"picture", "face", "voice", "music"}
    assert {a["digitalSourceType"] for a in generated.values()} == {IPTC + "trainedAlgorithmicMedia"}
    assert generated["voice"]["parameters"]["org.filmmaker.shots"] == ["1-1", "1-2"]
    assert linked(generated["voice"]) == {"eileen.wav"} and linked(generated["face"]) == {"eileen.jpg"}
    placed = {a["digitalSourceType"]: linked(a) for a in actions if a["action"] == "c2pa.placed"}
    assert placed == {IPTC + "digitalCapture": {"office.jpg", "deep-field.mp4"},
                      IPTC + "trainedAlgorithmicMedia": {"launch-theme.mp3"}}

    assert assertions["org.filmmaker.cast"] == {"version": 1, "shots": [
        {"shot": "1-1", "swapped_faces": [{"role": "ANNA", "actor": "eileen"}],
         "cloned_voices": [{"role": "ANNA", "actor": "eileen", "engine": "coqui"}], "generated": ["picture", "voice"]},
        {"shot": "1-2", "swapped_faces": [], "cloned_voices": [], "generated": ["voice", "music"]}]}

    report = read_film(path)
    assert report["changed"] is False and report["self_signed"] is True and report["trusted"] is False
    assert report["active_manifest"] == manifest and report["cast"] == assertions["org.filmmaker.cast"]


def test_project_key_is_made_once_reused_and_private(tmp_path, clip):
    state = tmp_path / ".filmmaker"
    first = project_signer(state)
    folder = state / "provenance"
    keys = [folder / "signer.key", folder / "ca.key"]
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}
    second = project_signer(state)
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()} == before
    assert second.cert_chain_pem == first.cert_chain_pem and second.private_key_pem == first.private_key_pem
    assert second.self_signed and "integrity, not identity" in second.notice
    serials = set()
    for n, signer in enumerate((first, second)):
        sign_film(clip, tmp_path / f"{n}.mp4", FILM, signer)
        store, _ = reader_store(tmp_path / f"{n}.mp4")
        serials.add(store["manifests"][store["active_manifest"]]["signature_info"]["cert_serial_number"])
    assert len(serials) == 1
    # the project CA is the anchor a reader may trust: then the film reads as trusted
    assert read_film(tmp_path / "0.mp4", trust=first.trust_anchor)["trusted"] is True


def test_two_builds_at_once_make_one_project_key(tmp_path):
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        chains = pool.map(_signer_chain, [tmp_path] * 4)
    assert len(set(chains)) == 1 and chains[0] == project_signer(tmp_path).cert_chain_pem


def _signer_chain(state: Path) -> bytes:
    return project_signer(state).cert_chain_pem


def test_a_leaf_near_its_end_is_replaced_under_the_same_ca(tmp_path, monkeypatch):
    from filmmaker.provenance import keys

    monkeypatch.setattr(keys, "LEAF_DAYS", 10)  # shorter than RENEW_DAYS: due for renewal at once
    first = project_signer(tmp_path)
    ca = (tmp_path / "provenance" / "ca.pem").read_bytes()
    monkeypatch.setattr(keys, "LEAF_DAYS", 3650)
    second = project_signer(tmp_path)
    assert second.private_key_pem != first.private_key_pem
    assert second.not_after - first.not_after > dt.timedelta(days=3000)
    assert (tmp_path / "provenance" / "ca.pem").read_bytes() == ca


def test_one_flipped_byte_in_the_video_is_reported_as_changed(signed, tmp_path):
    path, _ = signed
    tampered = tmp_path / "tampered.mp4"
    shutil.copy(path, tampered)
    _, offset, size = next(b for b in top_boxes(tampered) if b[0] == "mdat")
    with open(tampered, "r+b") as fh:
        fh.seek(offset + size // 2)
        byte = fh.read(1)
        fh.seek(offset + size // 2)
        fh.write(bytes([byte[0] ^ 0x01]))
    store, state = reader_store(tampered)
    assert state == "Invalid"
    assert "assertion.bmffHash.mismatch" in {s["code"] for s in store["validation_status"]}
    assert read_film(tampered)["changed"] is True
    assert read_film(path)["changed"] is False


def test_the_signed_film_probes_like_the_unsigned_one_and_stays_faststart(signed, clip):
    import av

    def probe(path):
        with av.open(str(path)) as container:
            streams = [(s.type, s.codec_context.name, float(s.duration * s.time_base), s.frames)
                       for s in container.streams]
            digest, counts = hashlib.sha256(), {"video": 0, "audio": 0}
            for frame in container.decode(video=0, audio=0):
                counts[frame.__class__.__name__.replace("Frame", "").lower()] += 1
                digest.update(b"".join(bytes(p) for p in frame.planes))
            return streams, float(container.duration), counts, digest.hexdigest()

    path, _ = signed
    signed_probe, plain_probe = probe(path), probe(clip)
    assert signed_probe == plain_probe
    assert [s[0] for s in signed_probe[0]] == ["video", "audio"]
    assert signed_probe[2]["video"] == 48  # 2 s at 24 fps, every frame decodes identically
    order = [b[0] for b in top_boxes(path)]
    assert order.index("moov") < order.index("mdat")
    assert order == ["ftyp", "uuid", *[b[0] for b in top_boxes(clip)][1:]]  # one box added, nothing moved


def _chain(folder: Path, *, eku=ExtendedKeyUsageOID.EMAIL_PROTECTION, key_usage: bool = True, odd: bool = False):
    """A user's own CA and P-384 signing certificate, made here; returns (cert path, key path, CA path)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Films Ltd"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "Example Films CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=365))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA384()))
    builder = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Films Ltd"),
                                     x509.NameAttribute(NameOID.COMMON_NAME, "Example Films signing")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(key_usage, False, False, False, False, False, False, False, False),
                           critical=True)
            .add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if odd:  # a critical extension c2pa does not know: only c2pa itself can say no to it
        builder = builder.add_extension(x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.99999.1"),
                                                                   b"\x05\x00"), critical=True)
    leaf = builder.sign(ca_key, hashes.SHA384())
    pem = serialization.Encoding.PEM
    (folder / "me.pem").write_bytes(leaf.public_bytes(pem))
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    # an "EC PRIVATE KEY" (SEC1) file, as openssl writes one: user_signer hands c2pa PKCS#8
    (folder / "me.key").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL,
                                                      serialization.NoEncryption()))
    return folder / "me.pem", folder / "me.key", folder / "ca.pem"


def test_a_users_own_chain_signs_and_is_not_self_signed(tmp_path, clip):
    cert, key, ca = _chain(tmp_path)
    signer = user_signer(cert, key)
    assert signer.alg == "es384" and signer.self_signed is False and signer.notice is None
    sign_film(clip, tmp_path / "film.mp4", FILM, signer)
    store, state = reader_store(tmp_path / "film.mp4")
    assert state == "Valid"  # untrusted (its CA is on no list) but intact
    info = store["manifests"][store["active_manifest"]]["signature_info"]
    assert (info["issuer"], info["common_name"], info["alg"]) == ("Example Films Ltd", "Example Films signing", "Es384")
    report = read_film(tmp_path / "film.mp4")
    assert report["self_signed"] is False and report["changed"] is False
    assert read_film(tmp_path / "film.mp4", trust=ca)["trusted"] is True


def test_user_chain_misfits_are_resolve_errors_with_the_fix(tmp_path):
    cert, key, _ = _chain(tmp_path)
    other = tmp_path / "other.key"
    other.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(ResolveError, match="does not match the certificate") as err:
        user_signer(cert, other)
    assert "give the key that certificate was issued for" in str(err.value)

    secret = tmp_path / "secret.key"
    secret.write_bytes(serialization.load_pem_private_key(key.read_bytes(), None).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw")))
    with pytest.raises(ResolveError, match="encrypted.*openssl pkey"):
        user_signer(cert, secret)
    with pytest.raises(ResolveError, match="cannot read the private key"):
        user_signer(cert, tmp_path / "missing.key")
    bad = tmp_path / "bad"
    bad.mkdir()
    cert2, key2, _ = _chain(bad, eku=ExtendedKeyUsageOID.SERVER_AUTH)
    with pytest.raises(ResolveError, match="no extended key usage C2PA lists.*accepts emailProtection"):
        user_signer(cert2, key2)  # a TLS server certificate
    worse = tmp_path / "worse"
    worse.mkdir()
    cert3, key3, _ = _chain(worse, key_usage=False)
    with pytest.raises(ResolveError, match="digitalSignature"):
        user_signer(cert3, key3)
    odd = tmp_path / "odd"
    odd.mkdir()
    cert4, key4, _ = _chain(odd, odd=True)
    with pytest.raises(ResolveError, match="c2pa refuses this certificate"):
        user_signer(cert4, key4)


def test_a_failed_signing_leaves_dst_as_it_was(signed, clip, tmp_path):
    _, signer = signed
    dst = tmp_path / "film.mp4"
    dst.write_bytes(b"the previous cut")
    wrong = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(RenderError, match="signing .* failed"):  # c2pa refuses: the signature does not verify
        sign_film(clip, dst, FILM, dataclasses.replace(signer, private_key_pem=wrong))
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(os.urandom(4096))
    with pytest.raises(RenderError, match="not an MP4|damaged"):
        sign_film(garbage, dst, FILM, signer)
    fragmented = make_clip(tmp_path / "frag.mp4", "-movflags", "frag_keyframe+empty_moov")
    with pytest.raises(RenderError, match="fragmented"):
        sign_film(fragmented, dst, FILM, signer)
    assert dst.read_bytes() == b"the previous cut"
    sign_film(clip, dst, FILM, signer)
    sign_film(dst, dst, FILM, signer)  # in place: the manifest is replaced, not stacked
    assert [b[0] for b in top_boxes(dst)].count("uuid") == 1 and read_film(dst)["changed"] is False
    dst.write_bytes(b"the previous cut")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.mp4", "frag.mp4", "garbage.mp4"]  # no part files


def test_an_unsigned_film_reads_as_not_signed(clip):
    with pytest.raises(NotSigned, match="no C2PA manifest"):
        read_film(clip)


def test_manifest_says_composite_only_when_nothing_was_generated():
    plain = FilmProvenance(title="Stock only", ingredients=INGREDIENTS[:2], shots=[ShotRecord("1-1")],
                           contains_generated=False)
    actions = manifest_json(plain)["assertions"][0]["data"]["actions"]
    assert actions[0]["digitalSourceType"] == IPTC + "composite"
    assert [a["action"] for a in actions] == ["c2pa.created", "c2pa.placed"]
    with pytest.raises(ValueError, match="contains_generated is False"):
        FilmProvenance(title="x", shots=SHOTS, contains_generated=False)
