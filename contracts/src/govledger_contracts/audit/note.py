"""Signed checkpoints: C2SP ``signed-note`` and ``tlog-checkpoint`` with Ed25519 keys.

A checkpoint body is ``<origin>\\n<tree size>\\n<base64 root>\\n`` plus optional non-empty
extension lines. A signed note is the body, a blank line, then signature lines
``— <key name> <base64(key id ‖ signature)>\\n`` (U+2014 em dash). Key formats follow
golang.org/x/mod/sumdb/note, so ``go`` tooling and this module read each other's keys:

* key id = first 4 bytes (big-endian) of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key);
* verifier key ``<name>+<8 hex id>+<base64(0x01 ‖ 32-byte public key)>``;
* signer key ``PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 ‖ 32-byte seed)>``.

govledger names a ward's log ``govledger.<ward>`` (e.g. ``govledger.seongdong``) and uses that
origin as the key name too. Policies: signatures by other keys are ignored (witness cosigners,
rotation), a signature by the trusted key that fails rejects the note, a note with no signature
by the trusted key is rejected; base64 must be canonical and sizes have no leading zeros.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 1
MAX_SIGNATURES = 100
ORIGIN_PREFIX = "govledger."
_SIG_PREFIX = "— "
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note, key or checkpoint that does not verify; ``code`` is stable (note.bad_signature)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class VerifierKey(msgspec.Struct, frozen=True, kw_only=True):
    """A named Ed25519 public key that checkpoints are verified with."""

    name: str
    key_id: int
    public_key: bytes


class SignerKey(msgspec.Struct, frozen=True, kw_only=True):
    """A named Ed25519 private key (its 32-byte seed): the log's signing secret."""

    name: str
    key_id: int
    seed: bytes


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    """A signed tree head: the log ``origin`` had ``size`` leaves with Merkle ``root``."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


class NoteSignature(msgspec.Struct, frozen=True, kw_only=True):
    """One signature line of a note: who (name, key id) and the raw signature bytes."""

    name: str
    key_id: int
    signature: bytes


class Note(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed signed note: the signed text (ending in a newline) and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]


def ledger_origin(ward: str) -> str:
    """The checkpoint origin (and key name) of a ward's ledger, e.g. ``govledger.seongdong``."""
    origin = ORIGIN_PREFIX + ward
    if not ward or not _valid_name(origin):
        raise ValueError(f"{ward!r} cannot name a ward's log")
    return origin


def key_id(name: str, public_key: bytes) -> int:
    """The note key id: SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key), first 4 bytes big-endian."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def generate_signer_key(name: str) -> SignerKey:
    """A fresh random Ed25519 signer key for the log called ``name``."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return signer_key_from_seed(name, seed)


def signer_key_from_seed(name: str, seed: bytes) -> SignerKey:
    """The signer key for a 32-byte Ed25519 seed."""
    if not _valid_name(name) or len(seed) != 32:
        raise NoteError("key.malformed", "a signer key needs a valid name and a 32-byte seed")
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return SignerKey(name=name, key_id=key_id(name, public), seed=seed)


def verifier_key_of(signer: SignerKey) -> VerifierKey:
    """The public half of a signer key."""
    public = Ed25519PrivateKey.from_private_bytes(signer.seed).public_key().public_bytes_raw()
    return VerifierKey(name=signer.name, key_id=signer.key_id, public_key=public)


def format_verifier_key(key: VerifierKey) -> str:
    """``<name>+<hex id>+<base64(0x01 ‖ public key)>``, as ``go`` tooling writes it."""
    return f"{key.name}+{key.key_id:08x}+{_b64(bytes([ALG_ED25519]) + key.public_key)}"


def format_signer_key(key: SignerKey) -> str:
    """``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>``: a secret, keep it out of logs."""
    return f"PRIVATE+KEY+{key.name}+{key.key_id:08x}+{_b64(bytes([ALG_ED25519]) + key.seed)}"


def parse_verifier_key(text: str) -> VerifierKey:
    """Parse ``<name>+<hex id>+<base64(0x01 ‖ public key)>``; the id must match the key."""
    name, kid, material = _split_key(text)
    key = VerifierKey(name=name, key_id=kid, public_key=material)
    if key_id(name, material) != kid:
        raise NoteError("key.malformed", "verifier key id does not match its name and key")
    try:
        Ed25519PublicKey.from_public_bytes(material)
    except ValueError as exc:
        raise NoteError("key.malformed", "not an Ed25519 public key") from exc
    return key


def parse_signer_key(text: str) -> SignerKey:
    """Parse ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>``; the id must match."""
    if not text.startswith("PRIVATE+KEY+"):
        raise NoteError("key.malformed", "a signer key starts with PRIVATE+KEY+")
    name, kid, seed = _split_key(text.removeprefix("PRIVATE+KEY+"))
    key = signer_key_from_seed(name, seed)
    if key.key_id != kid:
        raise NoteError("key.malformed", "signer key id does not match its name and key")
    return key


def _split_key(text: str) -> tuple[str, int, bytes]:
    parts = text.split("+", 2)
    if len(parts) != 3 or not _valid_name(parts[0]) or not _is_hex_id(parts[1]):
        raise NoteError("key.malformed", "a key is <name>+<8 hex digits>+<base64>")
    material = _unb64(parts[2], "key.malformed")
    if len(material) != 33 or material[0] != ALG_ED25519:
        raise NoteError("key.malformed", "only Ed25519 keys (type 0x01, 32 bytes) are supported")
    return parts[0], int(parts[1], 16), material[1:]


def _is_hex_id(text: str) -> bool:
    return len(text) == 8 and all(c in "0123456789abcdefABCDEF" for c in text)


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """The checkpoint's note text: origin, size, base64 root, extension lines."""
    lines = [checkpoint.origin, str(checkpoint.size), _b64(checkpoint.root), *checkpoint.extensions]
    text = "\n".join(lines) + "\n"
    parse_checkpoint(text)  # refuse to produce what no verifier would accept
    return text


def _utf8(text: str) -> bool:
    """Whether ``text`` has a UTF-8 form (no lone surrogates): a note is signed as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body; sizes and roots must be in canonical form."""
    if not text.endswith("\n") or _CONTROL.search(text) or not _utf8(text):
        raise NoteError("checkpoint.malformed", "a checkpoint is newline-terminated text")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines) or _SIZE.fullmatch(lines[1]) is None:
        raise NoteError("checkpoint.malformed", "checkpoint needs origin, decimal size and root")
    size = int(lines[1])
    root = _unb64(lines[2], "checkpoint.malformed")
    if len(root) != 32 or size >= 2**64:
        raise NoteError("checkpoint.malformed", "checkpoint needs a 64-bit size and 32-byte root")
    return Checkpoint(origin=lines[0], size=size, root=root, extensions=tuple(lines[3:]))


def sign_note(text: str, signer: SignerKey) -> str:
    """Sign ``text`` (which must end in a newline) and return the signed note."""
    if (not text.endswith("\n") or _CONTROL.search(text) or not _utf8(text)
            or not _valid_name(signer.name)):
        raise NoteError("note.malformed", "note text must be newline-terminated UTF-8 text")
    private = Ed25519PrivateKey.from_private_bytes(signer.seed)
    signature = private.sign(text.encode())
    blob = signer.key_id.to_bytes(4, "big") + signature
    return f"{text}\n{_SIG_PREFIX}{signer.name} {_b64(blob)}\n"


def sign_checkpoint(checkpoint: Checkpoint, signer: SignerKey) -> str:
    """The signed note of a checkpoint."""
    return sign_note(format_checkpoint(checkpoint), signer)


def parse_note(signed: str | bytes) -> Note:
    """Split a signed note into its text and signature lines, checking only the syntax."""
    message = _as_text(signed)
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n") or _CONTROL.search(message):
        raise NoteError("note.malformed", "a signed note is text, a blank line, signatures")
    lines = message[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("note.malformed", f"more than {MAX_SIGNATURES} signatures")
    signatures = tuple(_parse_signature_line(line) for line in lines)
    return Note(text=message[: split + 1], signatures=signatures)


def _parse_signature_line(line: str) -> NoteSignature:
    name, _, encoded = line.removeprefix(_SIG_PREFIX).partition(" ")
    if not line.startswith(_SIG_PREFIX) or not _valid_name(name) or not encoded:
        raise NoteError("note.malformed", f"not a signature line: {line!r}")
    blob = _unb64(encoded, "note.malformed")
    if len(blob) < 5:
        raise NoteError("note.malformed", "a signature is a key id and at least one byte")
    return NoteSignature(name=name, key_id=int.from_bytes(blob[:4], "big"), signature=blob[4:])


def open_note(signed: str | bytes, key: VerifierKey) -> str:
    """Verify a signed note with the trusted key and return its text."""
    note = parse_note(signed)
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    mine = [s for s in note.signatures if (s.name, s.key_id) == (key.name, key.key_id)]
    if not mine:
        raise NoteError("note.unknown_key", f"note is not signed by {key.name}+{key.key_id:08x}")
    for sig in mine:
        try:
            public.verify(sig.signature, note.text.encode())
        except InvalidSignature as exc:
            raise NoteError("note.bad_signature", f"bad signature by {key.name}") from exc
    return note.text


def open_checkpoint(
    signed: str | bytes, key: VerifierKey, *, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint; its origin must be ``origin`` (default: the key's name)."""
    checkpoint = parse_checkpoint(open_note(signed, key))
    expected = key.name if origin is None else origin
    if checkpoint.origin != expected:
        raise NoteError(
            "checkpoint.origin_mismatch",
            f"checkpoint is for {checkpoint.origin!r}, not {expected!r}",
        )
    return checkpoint


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _as_text(signed: str | bytes) -> str:
    try:
        text = signed.decode("utf-8") if isinstance(signed, bytes) else signed
        text.encode("utf-8")  # lone surrogates are not UTF-8
    except UnicodeError as exc:
        raise NoteError("note.malformed", "a signed note is UTF-8") from exc
    return text


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, code: str) -> bytes:
    """Strict standard base64: valid alphabet and padding, and canonical (re-encodes the same)."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(code, "invalid base64") from exc
    if _b64(data) != text:
        raise NoteError(code, "non-canonical base64")
    return data
