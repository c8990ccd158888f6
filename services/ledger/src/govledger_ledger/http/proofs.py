"""Signed checkpoints, Merkle proofs and the verifier key: what an auditor checks us with.

Proofs are for tree sizes up to the stored tree (which the checkpointer extends); ask for a
size that has a signed checkpoint (the default is the latest), because an inclusion proof only
means something against a signed (size, root). See docs/adr/0004 and docs/auditing.md.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, PathParameter, QueryParameter

from govledger_contracts.audit.leaves import line_leaf
from govledger_contracts.audit.merkle import leaf_hash
from govledger_contracts.envelope import ENVELOPE_ENCODER, Envelope
from govledger_contracts.problems import MAX_INTEGER
from govledger_ledger.adapters.merkle_store import (
    MerkleProofs,
    StoredCheckpoint,
    TreeSizeExceeded,
)
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.http.openapi import MAY_NEED_TOKEN, problem_response
from govledger_ledger.http.problems import invalid, missing, problem
from govledger_ledger.http.reads import check_uuid
from govledger_ledger.http.security import require_reader

NOTE_MEDIA_TYPE = "text/plain"
"""Litestar adds ``; charset=utf-8`` to every ``text/*`` type itself (the response encoding)."""


class InclusionProof(msgspec.Struct, frozen=True, kw_only=True):
    """RFC 9162 inclusion proof of one event (leaf ``position - 1``) in the tree of a size."""

    event_id: str
    position: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    """Lowercase hex SHA-256(0x00 ‖ the event's canonical leaf bytes)."""
    root: str
    """Lowercase hex root of the tree of ``tree_size`` leaves."""
    hashes: tuple[str, ...]
    """Proof hashes, leaf to root, lowercase hex."""
    checkpoint: str | None
    """The signed checkpoint at ``tree_size``, when one was signed at that size."""
    event: Envelope


class ConsistencyProof(msgspec.Struct, frozen=True, kw_only=True):
    """RFC 9162 consistency proof: the tree of ``to_size`` extends the tree of ``from_size``."""

    from_size: int
    to_size: int
    from_root: str
    to_root: str
    hashes: tuple[str, ...]
    checkpoint: str | None
    """The signed checkpoint at ``to_size``, when one was signed at that size."""


def _proofs(request: Request[Any, Any, Any]) -> MerkleProofs:
    proofs: MerkleProofs = request.app.state.proofs
    return proofs


def _size_unavailable(_: Request[Any, Any, Any], exc: TreeSizeExceeded) -> Response[Any]:
    return problem(422, "proof.tree_size_unavailable",
                   ("트리가 아직 그만큼 크지 않습니다", "The tree is not that large yet"),
                   ("요청한 트리 크기가 아직 서명된 트리보다 큽니다.", str(exc)))


def _unsigned() -> NotFoundException:
    return missing("아직 서명된 체크포인트가 없습니다.", "no checkpoint has been signed yet")


PROOF_ERRORS: dict[type[Exception] | int, Any] = {TreeSizeExceeded: _size_unavailable}
UNSIGNED = problem_response("No checkpoint has been signed yet (not_found).")
UNSIGNED_OR_NO_EVENT = problem_response(
    "No checkpoint has been signed yet, or no event has that id (not_found).")


def _note(checkpoint: StoredCheckpoint | None, absent: NotFoundException) -> Response[str]:
    if checkpoint is None:
        raise absent
    return Response(checkpoint.signed_note, media_type=NOTE_MEDIA_TYPE)


@get("/v1/checkpoint", summary="The latest signed checkpoint (C2SP signed note)", tags=["audit"],
     security=MAY_NEED_TOKEN, responses={404: UNSIGNED}, media_type=NOTE_MEDIA_TYPE)
async def latest_checkpoint(request: Request[Any, Any, Any]) -> Response[str]:
    require_reader(request)
    return _note(await _proofs(request).latest_checkpoint(), _unsigned())


def _tree_size(text: str) -> int:
    """The path's ``size``, read here rather than by the route: an ``{size:int}`` route does not
    match ``/v1/checkpoints/abc`` at all, and a 404 would not say which part was wrong."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_INTEGER:
        return int(text)
    raise invalid("size", "'size'는 1부터 2^63 − 1까지의 정수(트리 크기)여야 합니다.",
                  "'size' must be a tree size: an integer from 1 to 2**63 - 1.")


@get("/v1/checkpoints/{size:str}", summary="The signed checkpoint at a tree size",
     tags=["audit"], security=MAY_NEED_TOKEN, media_type=NOTE_MEDIA_TYPE)
async def checkpoint_at(
    request: Request[Any, Any, Any],
    size: Annotated[str, PathParameter(description="A tree size, 1 to 2**63 - 1",
                                       schema_extra={"pattern": "^[1-9][0-9]*$"})],
) -> Response[str]:
    require_reader(request)
    tree_size = _tree_size(size)
    absent = missing(f"크기 {tree_size}의 체크포인트가 없습니다.",
                     f"no checkpoint at size {tree_size}")
    return _note(await _proofs(request).checkpoint(tree_size), absent)


@get("/v1/key", summary="The checkpoint verifier key (sumdb/note format)", tags=["audit"],
     sync_to_thread=False, media_type=NOTE_MEDIA_TYPE)
def verifier_key(request: Request[Any, Any, Any]) -> Response[str]:
    key: str = request.app.state.verifier_key
    return Response(key + "\n", media_type=NOTE_MEDIA_TYPE)


async def _signed_size(proofs: MerkleProofs, size: int | None) -> int:
    """The requested size, or the latest checkpoint's when none was asked for."""
    if size is not None:
        return size
    latest = await proofs.latest_checkpoint()
    if latest is None:
        raise _unsigned()
    return latest.size


async def _event(request: Request[Any, Any, Any], event_id: str) -> Envelope:
    check_uuid(event_id)
    store: PostgresEventStore = request.app.state.store
    envelope = await store.get_event(event_id)
    if envelope is None:
        raise missing(f"이벤트 '{event_id}'이(가) 없습니다.", f"no event {event_id}")
    return envelope


@get("/v1/proofs/inclusion", summary="Inclusion proof of one event in a signed tree",
     tags=["audit"], exception_handlers=PROOF_ERRORS, security=MAY_NEED_TOKEN,
     responses={404: UNSIGNED_OR_NO_EVENT})
async def inclusion_proof(
    request: Request[Any, Any, Any],
    event_id: FromQuery[str],
    tree_size: Annotated[int | None, QueryParameter(ge=1, le=MAX_INTEGER)] = None,
) -> InclusionProof:
    require_reader(request)
    proofs = _proofs(request)
    envelope = await _event(request, event_id)
    size = await _signed_size(proofs, tree_size)
    if envelope.position > size:
        raise TreeSizeExceeded(f"event {event_id} is at position {envelope.position}, "
                               f"after the tree of size {size}")
    proof = await proofs.inclusion(envelope.position - 1, size)
    leaf = line_leaf(ENVELOPE_ENCODER.encode(envelope))[3]
    return InclusionProof(
        event_id=envelope.event_id, position=envelope.position, leaf_index=envelope.position - 1,
        tree_size=size, leaf_hash=leaf_hash(leaf).hex(), root=proof.roots[0].hex(),
        hashes=tuple(h.hex() for h in proof.hashes), checkpoint=proof.note, event=envelope,
    )


@get("/v1/proofs/consistency", summary="Consistency proof between two tree sizes",
     tags=["audit"], exception_handlers=PROOF_ERRORS, security=MAY_NEED_TOKEN,
     responses={404: UNSIGNED})
async def consistency_proof(
    request: Request[Any, Any, Any],
    from_size: Annotated[int, QueryParameter(name="from", ge=1, le=MAX_INTEGER)],
    to_size: Annotated[int | None, QueryParameter(name="to", ge=1, le=MAX_INTEGER)] = None,
) -> ConsistencyProof:
    require_reader(request)
    proofs = _proofs(request)
    size2 = await _signed_size(proofs, to_size)
    if from_size > size2:
        raise invalid("from", f"'from'({from_size})이 'to'({size2})보다 큽니다.",
                      f"'from' ({from_size}) is larger than 'to' ({size2}).")
    proof = await proofs.consistency(from_size, size2)
    return ConsistencyProof(
        from_size=from_size, to_size=size2, from_root=proof.roots[0].hex(),
        to_root=proof.roots[1].hex(), hashes=tuple(h.hex() for h in proof.hashes),
        checkpoint=proof.note,
    )


def proof_routes() -> list[Any]:
    """The audit routes, for ``create_app``."""
    return [latest_checkpoint, checkpoint_at, verifier_key, inclusion_proof, consistency_proof]
