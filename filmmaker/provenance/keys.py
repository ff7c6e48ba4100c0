"""Who signs a film's C2PA manifest: the user's own certificate and key, or a project-local
self-signed chain that filmmaker makes once (a small CA and a signing certificate under it).

c2pa (0.91 native, c2pa-python 0.38) checks the signing certificate's profile when it signs and
when it reads. What it requires, and what the project chain is made to satisfy:
- X.509 v3, signed with ECDSA (P-256/384/521), RSA (2048 bits or more) or Ed25519, valid now;
- not a CA, and not a self-signed CA: the signer is a leaf under a CA, so the chain has two links;
- Key Usage with digitalSignature (and not keyCertSign, which only a CA may have);
- an Extended Key Usage c2pa accepts, never anyExtendedKeyUsage. With its default settings c2pa
  0.91 accepts emailProtection and refuses documentSigning and the C2PA claim-signing OID
  (1.3.6.1.4.1.62558.2.1; newer c2pa-rs accepts both), so the project leaf has emailProtection,
  and the C2PA OID too, to say what it is for;
- an Authority Key Identifier; no critical extension c2pa does not know.
A user's chain is checked for the parts of this that are the same in every c2pa release, then by
signing a 1-pixel PNG in memory: what this c2pa refuses fails there, before any work.
Only the leaf goes into the signature's x5chain: the CA is a trust anchor (`ca.pem`), which a
reader may choose to trust (`read_film(trust=...)`). Such a signature proves the film was not
changed since it was signed by this project's key; it does not prove who holds the key.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from filmmaker.errors import ResolveError
from filmmaker.partials import part_prefix

# The organisation name of the project chain's certificates. c2pa reports the signing
# certificate's organisation as the signature's "issuer", so a reader can tell a project key.
PROJECT_ORG = "filmmaker project key (self-signed)"
SELF_SIGNED_NOTE = "such a signature proves integrity, not identity"
C2PA_CLAIM_SIGNING_EKU = "1.3.6.1.4.1.62558.2.1"
# The EKUs the C2PA specification lists for a claim signer; a given c2pa release may accept fewer
C2PA_EKUS = {"1.3.6.1.5.5.7.3.4": "emailProtection", "1.3.6.1.5.5.7.3.36": "documentSigning",
             "1.3.6.1.4.1.311.76.59.1.9": "Microsoft C2PA signing", C2PA_CLAIM_SIGNING_EKU: "C2PA claim signing"}
CA_DAYS = 20 * 365
LEAF_DAYS = 10 * 365  # without a timestamp authority a reader checks the leaf against today: keep it long
RENEW_DAYS = 30  # a leaf closer than this to its end is replaced (under the same CA) before signing
KEY_MODE = 0o600

_DIR = "provenance"
_CA_CERT, _CA_KEY, _LEAF_CERT, _LEAF_KEY = "ca.pem", "ca.key", "signer.pem", "signer.key"


@dataclass(frozen=True)
class SignerConfig:
    """What c2pa needs to sign, and what the CLI says about it."""

    alg: str  # c2pa's name: es256 | es384 | es512 | ps256 | ed25519
    cert_chain_pem: bytes  # the signing certificate first, then any intermediates
    private_key_pem: bytes = field(repr=False)  # unencrypted PKCS#8 PEM (what c2pa reads)
    self_signed: bool  # True: proves integrity, not identity
    subject: str  # the signing certificate's subject, for messages
    not_after: dt.datetime  # when the signing certificate ends (UTC)
    cert_path: Path | None = None
    key_path: Path | None = None
    trust_anchor: Path | None = None  # the project CA's certificate (project chain only)

    @property
    def notice(self) -> str | None:
        """The line the CLI prints beside a self-signed signature, else None."""
        if not self.self_signed:
            return None
        return f"signed with a self-signed key ({self.cert_path or self.subject}): {SELF_SIGNED_NOTE}"

    def c2pa_signer(self):
        """A fresh native c2pa.Signer, made per signing and closed after it."""
        import c2pa

        info = c2pa.C2paSignerInfo(self.alg, self.cert_chain_pem, self.private_key_pem, None)  # no TSA: offline
        return c2pa.Signer.from_info(info)


def project_signer(state_dir: Path) -> SignerConfig:
    """The project's own signing chain under `state_dir/provenance`, made on first use and then
    reused; a leaf near its end is replaced under the same CA. Two builds at once make one chain."""
    import fcntl

    folder = Path(state_dir) / _DIR
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(folder / ".lock", "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            return _project_chain(folder)
    except OSError as exc:
        raise ResolveError(f"cannot make the project signing key in {folder}: {exc.strerror or exc}; make the "
                           "folder writable or configure your own certificate (provenance: {cert:, key:})") from None


def _project_chain(folder: Path) -> SignerConfig:
    if not (folder / _LEAF_CERT).exists():
        # No signer.pem: nothing was ever signed with what may be here (signer.pem is written last)
        _write_chain(folder, *_make_ca())
        return _load_project(folder)
    config = _load_project(folder)
    if config.not_after - _now() < dt.timedelta(days=RENEW_DAYS):
        try:
            ca_cert, ca_key = _load_ca(folder)
        except ResolveError:
            ca_cert = None
        if ca_cert is None or ca_cert.not_valid_after_utc - _now() < dt.timedelta(days=2 * RENEW_DAYS):
            ca_cert, ca_key = _make_ca()  # the CA itself is ending (or gone): a new chain; old films still verify
        _write_chain(folder, ca_cert, ca_key)
        config = _load_project(folder)
    return config


def user_signer(cert: Path, key: Path) -> SignerConfig:
    """The user's certificate chain (PEM, signing certificate first) and private key (PEM),
    checked against what c2pa accepts so a misfit fails before any work, naming the fix."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert, key = Path(cert), Path(key)
    cert_bytes, key_bytes = _read(cert, "certificate"), _read(key, "private key")
    try:
        chain = x509.load_pem_x509_certificates(cert_bytes)
    except ValueError:
        raise ResolveError(f"{cert}: not a PEM certificate chain; convert it, e.g. `openssl x509 -inform der -in "
                           f"{cert.name} -out {cert.stem}.pem`, and list the signing certificate first") from None
    try:
        private = serialization.load_pem_private_key(key_bytes, password=None)
    except TypeError:  # encrypted: c2pa takes the key itself, not a password
        raise ResolveError(f"{key}: the private key is encrypted; c2pa needs it unencrypted: `openssl pkey -in "
                           f"{key.name} -out {key.stem}-plain.pem` (and keep that file private, mode 600)") from None
    except ValueError:
        raise ResolveError(f"{key}: not a PEM private key; convert it, e.g. `openssl pkey -inform der -in "
                           f"{key.name} -out {key.stem}.pem`") from None
    alg = _alg_of(private, key)
    leaf = _matching(chain, private, cert, key)
    _check_profile(leaf, cert)
    config = SignerConfig(
        alg=alg, cert_chain_pem=b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain),
        private_key_pem=_pkcs8(private), self_signed=leaf.issuer == leaf.subject,
        subject=leaf.subject.rfc4514_string(), not_after=leaf.not_valid_after_utc, cert_path=cert, key_path=key)
    _trial(config, cert)
    return config


# ---------------------------------------------------------------------------------------------
# the user's chain: checks with the fix in the message


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ResolveError(f"{path}: cannot read the {what} ({exc.strerror or exc}); check the path under "
                           "`provenance:` in the screenplay and that this user may read it") from None


def _alg_of(private, key: Path) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(private, ec.EllipticCurvePrivateKey):
        alg = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(private.curve.name)
        if alg:
            return alg
        found = f"an EC key on {private.curve.name}"
    elif isinstance(private, rsa.RSAPrivateKey):
        if private.key_size >= 2048:
            return "ps256"  # c2pa signs RSA with PSS only
        found = f"a {private.key_size}-bit RSA key"
    elif isinstance(private, ed25519.Ed25519PrivateKey):
        return "ed25519"
    else:
        found = f"a {type(private).__name__.lstrip('_')}"
    raise ResolveError(f"{key}: {found}, which c2pa cannot sign with; use an EC key on P-256, P-384 or P-521, an "
                       "RSA key of 2048 bits or more, or Ed25519 (e.g. `openssl ecparam -name prime256v1 -genkey`)")


def _spki(public) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _matching(chain, private, cert: Path, key: Path):
    """The signing certificate: the chain's first, and it must be the key's."""
    mine = _spki(private.public_key())
    if _spki(chain[0].public_key()) == mine:
        return chain[0]
    if any(_spki(c.public_key()) == mine for c in chain[1:]):
        raise ResolveError(f"{cert}: the certificate for {key.name} is not first in the chain; put the signing "
                           "certificate first, then its intermediates")
    raise ResolveError(f"{key}: this private key does not match the certificate in {cert} "
                       f"({chain[0].subject.rfc4514_string()}); give the key that certificate was issued for, "
                       "or the certificate issued for this key")


def _check_profile(leaf, cert: Path) -> None:
    """The parts of c2pa's certificate profile that a CA-issued certificate commonly misses."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    where = f"{cert}: the signing certificate ({leaf.subject.rfc4514_string()})"
    now = _now()
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise ResolveError(f"{where} is valid only from {leaf.not_valid_before_utc:%Y-%m-%d} to "
                           f"{leaf.not_valid_after_utc:%Y-%m-%d}; renew it with its issuer")

    def ext(kind):
        try:
            return leaf.extensions.get_extension_for_class(kind).value
        except x509.ExtensionNotFound:
            return None

    basic = ext(x509.BasicConstraints)
    if basic is not None and basic.ca:
        raise ResolveError(f"{where} is a CA certificate; c2pa signs only with an end-entity certificate issued "
                           "by a CA: issue one for signing and give that")
    usage = ext(x509.KeyUsage)
    if usage is None or not usage.digital_signature:
        raise ResolveError(f"{where} lacks the digitalSignature key usage c2pa requires; ask its issuer for a "
                           "document- or email-signing certificate")
    eku = ext(x509.ExtendedKeyUsage)
    names = {o.dotted_string for o in eku} if eku is not None else set()
    if ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string in names or not names & set(C2PA_EKUS):
        raise ResolveError(f"{where} has no extended key usage C2PA lists for signing ({', '.join(C2PA_EKUS.values())}"
                           f"){_EKU_FIX}")
    if ext(x509.AuthorityKeyIdentifier) is None:
        raise ResolveError(f"{where} lacks an Authority Key Identifier, which c2pa requires; re-issue it with one")


_EKU_FIX = ("; the c2pa installed here accepts emailProtection (and not anyExtendedKeyUsage): ask the issuer "
            "for an email-protection (S/MIME) signing certificate")


def _trial(config: SignerConfig, cert: Path) -> None:
    """Sign a 1-pixel PNG in memory (milliseconds): c2pa's own verdict on the chain and key."""
    import io
    import struct
    import zlib

    import c2pa

    from filmmaker.provenance.manifest import IPTC

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))
    trial = {"claim_generator_info": [{"name": "filmmaker"}], "assertions": [{"label": "c2pa.actions.v2", "data": {
        "actions": [{"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCreation"}]}}]}
    try:
        with c2pa.Builder(trial) as builder, config.c2pa_signer() as signer:
            builder.sign(signer, "image/png", io.BytesIO(png), io.BytesIO())
    except c2pa.C2paError as exc:
        said = " ".join(str(exc).split())
        fix = _EKU_FIX if "EKU" in said else ("; give an X.509 v3 end-entity certificate with the digitalSignature "
                                                "key usage and an extended key usage c2pa accepts")
        raise ResolveError(f"{cert}: c2pa refuses this certificate ({said}){fix}") from None


# ---------------------------------------------------------------------------------------------
# the project chain: made with cryptography, written atomically, keys mode 0600


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _pkcs8(private) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())


def _name(common: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, PROJECT_ORG),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _usage(signer: bool):
    from cryptography import x509

    return x509.KeyUsage(digital_signature=signer, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signer,
                         crl_sign=not signer, encipher_only=False, decipher_only=False)


def _make_ca():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"filmmaker project CA {uuid.uuid4().hex[:12]}")  # unique: two projects' CAs differ
    now = _now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(signer=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def _make_leaf(ca_cert, ca_key):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    end = min(now + dt.timedelta(days=LEAF_DAYS), ca_cert.not_valid_after_utc)
    cert = (x509.CertificateBuilder().subject_name(_name(f"filmmaker project signer {uuid.uuid4().hex[:12]}"))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(signer=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                  ObjectIdentifier(C2PA_CLAIM_SIGNING_EKU)]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert, key


def _write_chain(folder: Path, ca_cert, ca_key) -> None:
    """Write the CA (if new) and a new leaf; signer.pem goes last, so its presence means complete."""
    from cryptography.hazmat.primitives import serialization

    pem = serialization.Encoding.PEM
    leaf, leaf_key = _make_leaf(ca_cert, ca_key)
    ca_bytes = ca_cert.public_bytes(pem)
    if not (folder / _CA_CERT).is_file() or (folder / _CA_CERT).read_bytes() != ca_bytes:
        _atomic(folder / _CA_KEY, _pkcs8(ca_key), KEY_MODE)
        _atomic(folder / _CA_CERT, ca_bytes, 0o644)
    _atomic(folder / _LEAF_KEY, _pkcs8(leaf_key), KEY_MODE)
    _atomic(folder / _LEAF_CERT, leaf.public_bytes(pem), 0o644)


def _atomic(final: Path, data: bytes, mode: int) -> None:
    """Temp file in the same folder (mkstemp makes it 0600 from the start), fsync, chmod, rename."""
    fd, tmp = tempfile.mkstemp(prefix=part_prefix(final.stem), suffix=f".part{final.suffix}", dir=final.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, final)
    finally:
        Path(tmp).unlink(missing_ok=True)
    dir_fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def _broken(folder: Path, what: str) -> ResolveError:
    return ResolveError(f"{folder}: the project signing key is damaged ({what}); delete that folder and build "
                        "again: filmmaker makes a new key (films signed with the old one still verify)")


def _load_ca(folder: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        cert = x509.load_pem_x509_certificate((folder / _CA_CERT).read_bytes())
        key = serialization.load_pem_private_key((folder / _CA_KEY).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise _broken(folder, f"the CA: {exc}") from None
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise _broken(folder, "ca.key does not match ca.pem")
    return cert, key


def _load_project(folder: Path) -> SignerConfig:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_path, key_path = folder / _LEAF_CERT, folder / _LEAF_KEY
    try:
        cert_bytes = cert_path.read_bytes()
        leaf = x509.load_pem_x509_certificate(cert_bytes)
        private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise _broken(folder, str(exc)) from None
    if _spki(private.public_key()) != _spki(leaf.public_key()):
        raise _broken(folder, "signer.key does not match signer.pem")
    return SignerConfig(alg=_alg_of(private, key_path), cert_chain_pem=cert_bytes, private_key_pem=_pkcs8(private),
                        self_signed=True, subject=leaf.subject.rfc4514_string(), not_after=leaf.not_valid_after_utc,
                        cert_path=cert_path, key_path=key_path, trust_anchor=folder / _CA_CERT)
