"""Signed notes and checkpoints, against published vectors and an independent Ed25519.

Vectors copied as data from golang.org/x/mod sumdb/note/note.go and note_test.go (BSD-3-Clause,
The Go Authors) and from C2SP signed-note.md / tlog-checkpoint.md (via
tests/data/rfc6962-vectors.json, "related_vectors").
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nacl.exceptions
import nacl.signing
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govledger_contracts.audit.note import (
    Checkpoint,
    NoteError,
    format_checkpoint,
    format_signer_key,
    format_verifier_key,
    generate_signer_key,
    key_id,
    ledger_origin,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    signer_key_from_seed,
    verifier_key_of,
)

PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33"
    "WWd1RvMc+QQ=\n"
)
RELATED = json.loads(
    (Path(__file__).parents[2] / "data" / "rfc6962-vectors.json").read_text(encoding="utf-8")
)["related_vectors"]

SEONGDONG = ledger_origin("seongdong")
SIGNER = signer_key_from_seed(SEONGDONG, bytes(range(32)))
VERIFIER = verifier_key_of(SIGNER)
ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")


def checkpoint(size: int = 8, root: bytes = ROOT) -> Checkpoint:
    return Checkpoint(origin=SEONGDONG, size=size, root=root)


def test_signs_exactly_as_go_sumdb_note_does() -> None:
    assert sign_note(TEXT, parse_signer_key(PETER_SKEY)) == TEXT + "\n" + PETER_SIG


def test_opens_the_go_note_signed_by_two_keys_with_either_key() -> None:
    message = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(message, parse_verifier_key(PETER_VKEY)) == TEXT
    assert open_note(message, parse_verifier_key(ENOCH_VKEY)) == TEXT


def test_parses_the_go_keys_and_derives_the_same_verifier_key() -> None:
    signer = parse_signer_key(PETER_SKEY)
    assert format_signer_key(signer) == PETER_SKEY
    assert format_verifier_key(verifier_key_of(signer)) == PETER_VKEY
    assert parse_verifier_key(PETER_VKEY).key_id == 0xC74F20A3


def test_verifies_the_c2sp_signed_note_example() -> None:
    example = RELATED["signed_note_example"]
    key = parse_verifier_key(example["vkey"])
    assert f"{key.key_id:08x}" == example["expected"]["key_id_hex"]
    message = example["note_text_utf8"] + "\n" + example["signature_line"] + "\n"
    assert open_note(message, key) == example["note_text_utf8"]


def test_parses_the_c2sp_checkpoint_example() -> None:
    example = RELATED["checkpoint_example_parse_only"]
    note = parse_note(example["text"])
    parsed = parse_checkpoint(note.text)
    want = example["expected_parse"]
    assert (parsed.origin, parsed.size) == (want["origin"], want["tree_size"])
    assert base64.b64encode(parsed.root).decode() == want["root_hash_base64"]
    assert note.signatures[0].name == want["signature_key_name"]


def test_rejects_every_mangling_of_a_verifier_key() -> None:
    rejected = ["PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="]
    rejected.append("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    key = PETER_VKEY
    rejected += [key[i:j] for i in range(len(key)) for j in range(i + 1, len(key) + 1)]
    rejected += [key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))]
    for text in rejected:
        if text != key:
            with pytest.raises(NoteError):
                parse_verifier_key(text)


def test_rejects_a_signer_key_whose_id_does_not_match() -> None:
    with pytest.raises(NoteError, match="id does not match"):
        parse_signer_key(PETER_SKEY.replace("c74f20a3", "c74f20a4"))


@pytest.mark.parametrize(
    "message",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
    ],
)
def test_rejects_malformed_notes_as_go_does(message: str) -> None:
    with pytest.raises(NoteError) as raised:
        open_note(message, parse_verifier_key(PETER_VKEY))
    assert raised.value.code == "note.malformed"


def test_rejects_a_note_that_is_not_utf8() -> None:
    with pytest.raises(NoteError, match="UTF-8"):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), parse_verifier_key(PETER_VKEY))


def test_round_trips_a_signed_checkpoint() -> None:
    signed = sign_checkpoint(checkpoint(), SIGNER)
    assert signed.startswith(f"govledger.seongdong\n8\n{base64.b64encode(ROOT).decode()}\n\n— ")
    assert open_checkpoint(signed, VERIFIER) == checkpoint()
    assert parse_verifier_key(format_verifier_key(VERIFIER)) == VERIFIER
    assert parse_signer_key(format_signer_key(SIGNER)) == SIGNER


@given(
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    # Text a note can carry: no control characters, no lone surrogates (not UTF-8 at all).
    extensions=st.lists(st.text(st.characters(min_codepoint=0x20, exclude_categories=("Cs",)),
                                min_size=1), max_size=3),
)
def test_round_trips_any_checkpoint(size: int, root: bytes, extensions: list[str]) -> None:
    extensions = [e.replace("\n", "") or "x" for e in extensions]
    original = Checkpoint(origin=SEONGDONG, size=size, root=root, extensions=tuple(extensions))
    assert open_checkpoint(sign_checkpoint(original, SIGNER), VERIFIER) == original


def test_text_that_is_not_utf8_is_refused_as_malformed_not_a_crash() -> None:
    lone = Checkpoint(origin=SEONGDONG, size=1, root=ROOT, extensions=("\ud800",))
    with pytest.raises(NoteError) as refused:
        sign_checkpoint(lone, SIGNER)
    assert refused.value.code == "checkpoint.malformed"
    with pytest.raises(NoteError):
        sign_note("govledger.seongdong\n\ud800\n", SIGNER)


def test_the_signature_verifies_with_pynacl_too() -> None:
    signed = sign_checkpoint(checkpoint(), SIGNER)
    note = parse_note(signed)
    raw = note.signatures[0].signature
    nacl.signing.VerifyKey(VERIFIER.public_key).verify(note.text.encode(), raw)
    assert nacl.signing.SigningKey(SIGNER.seed).sign(note.text.encode()).signature == raw
    with pytest.raises(nacl.exceptions.BadSignatureError):
        nacl.signing.VerifyKey(VERIFIER.public_key).verify(note.text.encode() + b"x", raw)


def test_key_ids_follow_the_note_rule() -> None:
    key = generate_signer_key(SEONGDONG)
    public = verifier_key_of(key).public_key
    assert key.key_id == key_id(SEONGDONG, public)
    assert key.key_id != key_id("govledger.other", public)


def test_rejects_a_tampered_checkpoint_body() -> None:
    signed = sign_checkpoint(checkpoint(), SIGNER).replace("\n8\n", "\n9\n", 1)
    with pytest.raises(NoteError) as raised:
        open_checkpoint(signed, VERIFIER)
    assert raised.value.code == "note.bad_signature"


def test_rejects_a_tampered_signature() -> None:
    signed = sign_checkpoint(checkpoint(), SIGNER)
    text, line = signed.rsplit("\n\n", 1)
    name, encoded = line.removeprefix("— ").split(" ")
    blob = bytearray(base64.b64decode(encoded))
    blob[10] ^= 1
    forged = f"{text}\n\n— {name} {base64.b64encode(blob).decode()}\n"
    with pytest.raises(NoteError) as raised:
        open_checkpoint(forged, VERIFIER)
    assert raised.value.code == "note.bad_signature"


def test_rejects_a_checkpoint_signed_under_another_key_name() -> None:
    other = signer_key_from_seed("govledger.jongno", SIGNER.seed)
    signed = sign_note(format_checkpoint(checkpoint()), other)
    with pytest.raises(NoteError) as raised:
        open_checkpoint(signed, VERIFIER)
    assert raised.value.code == "note.unknown_key"


def test_rejects_a_checkpoint_signed_by_another_key() -> None:
    signed = sign_checkpoint(checkpoint(), generate_signer_key(SEONGDONG))
    with pytest.raises(NoteError) as raised:
        open_checkpoint(signed, VERIFIER)
    assert raised.value.code == "note.unknown_key"


def test_ignores_cosignatures_by_unknown_keys() -> None:
    witness = generate_signer_key("witness.example/w1")
    signed = sign_checkpoint(checkpoint(), SIGNER)
    cosigned = signed + sign_note(format_checkpoint(checkpoint()), witness).rsplit("\n\n", 1)[1]
    assert open_checkpoint(cosigned, VERIFIER) == checkpoint()


def test_rejects_a_checkpoint_for_another_origin() -> None:
    foreign = Checkpoint(origin="govledger.jongno", size=1, root=ROOT)
    with pytest.raises(NoteError) as raised:
        open_checkpoint(sign_checkpoint(foreign, SIGNER), VERIFIER)
    assert raised.value.code == "checkpoint.origin_mismatch"


@pytest.mark.parametrize(
    "body",
    [
        f"{SEONGDONG}\n08\n{base64.b64encode(ROOT).decode()}\n",
        f"{SEONGDONG}\n+8\n{base64.b64encode(ROOT).decode()}\n",
        f"{SEONGDONG}\n٨\n{base64.b64encode(ROOT).decode()}\n",
        f"{SEONGDONG}\n18446744073709551616\n{base64.b64encode(ROOT).decode()}\n",
        f"{SEONGDONG}\n8\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",
        f"{SEONGDONG}\n8\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{SEONGDONG}\n8\n{base64.b64encode(ROOT).decode()}",
        f"{SEONGDONG}\n8\n{base64.b64encode(ROOT).decode()}\n\nextension after a blank\n",
        f"\n8\n{base64.b64encode(ROOT).decode()}\n",
        f"{SEONGDONG}\n8\n",
    ],
)
def test_rejects_non_canonical_checkpoint_bodies(body: str) -> None:
    with pytest.raises(NoteError) as raised:
        parse_checkpoint(body)
    assert raised.value.code == "checkpoint.malformed"


def test_refuses_non_canonical_base64_for_the_root() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    canonical = base64.b64encode(ROOT).decode()
    last = alphabet.index(canonical[-2])  # the final data character carries 2 unused bits
    sloppy = canonical[:-2] + alphabet[last ^ 1] + "="
    assert base64.b64decode(sloppy) == ROOT
    with pytest.raises(NoteError, match="non-canonical"):
        parse_checkpoint(f"{SEONGDONG}\n8\n{sloppy}\n")


def test_refuses_to_sign_text_without_a_final_newline() -> None:
    with pytest.raises(NoteError, match="newline"):
        sign_note("no newline", SIGNER)


def test_names_the_ward_log_govledger_dot_ward() -> None:
    assert ledger_origin("seongdong") == "govledger.seongdong"
    with pytest.raises(ValueError, match="cannot name"):
        ledger_origin("seong dong")
