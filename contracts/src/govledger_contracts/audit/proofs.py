"""One-event and checkpoint-to-checkpoint verification: proofs instead of a full export.

``verify_inclusion_proof_bundle`` confirms that one event (its envelope JSON) is leaf
``position - 1`` of the signed tree, from an RFC 9162 inclusion proof. ``accept_checkpoint``
moves an auditor's trusted state to a newer signed checkpoint only if an RFC 9162 consistency
proof links it to the checkpoint accepted before; the first checkpoint is trusted on first use.
Proof hashes are lowercase hex strings, leaf to root, as the ledger's API serves them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from govledger_contracts.audit.leaves import LeafError, exact_leaf
from govledger_contracts.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from govledger_contracts.audit.note import Checkpoint, format_verifier_key
from govledger_contracts.audit.report import (
    AuditReport,
    Head,
    InclusionReport,
    ProblemFoundError,
    problem,
    read_checkpoint,
    read_key,
    read_state,
)
from govledger_contracts.audit.state import TrustedState, save_state
from govledger_contracts.canonical import chain_hash


def accept_checkpoint(
    checkpoint: str,
    consistency_proof: Sequence[str],
    *,
    state_file: str | os.PathLike[str],
    verifier_key: str | None = None,
) -> AuditReport:
    """Accept a newer signed checkpoint if a consistency proof links it to the trusted one."""
    try:
        state = read_state(state_file)
        key = read_key(verifier_key or (state.verifier_key if state else ""))
        new = read_checkpoint(checkpoint, key)
        if state is not None and state.size > 0:
            _check_extension(state, new, consistency_proof)
    except ProblemFoundError as stop:
        return AuditReport(ok=False, problem=stop.problem)
    head = Head(size=new.size, root=new.root.hex())
    if state is not None and state.size == new.size:
        return AuditReport(ok=True, head=head)
    record = TrustedState(
        origin=new.origin,
        verifier_key=format_verifier_key(key),
        size=new.size,
        root=new.root.hex(),
        checkpoint=checkpoint,
    )
    save_state(state_file, record)
    return AuditReport(ok=True, head=head, state_updated=True)


def _check_extension(state: TrustedState, new: Checkpoint, proof: Sequence[str]) -> None:
    if new.origin != state.origin:
        raise ProblemFoundError(problem("checkpoint.origin_mismatch", detail=f"{new.origin!r}"))
    if new.size < state.size:
        detail = f"trusted size {state.size}, presented {new.size}"
        raise ProblemFoundError(problem("checkpoint.older_than_trusted", None, detail))
    hashes = _unhex(proof)
    if not verify_consistency(state.size, new.size, hashes, bytes.fromhex(state.root), new.root):
        detail = f"no valid consistency proof from size {state.size} to {new.size}"
        raise ProblemFoundError(problem("checkpoint.consistency", None, detail))


def _unhex(values: Sequence[str]) -> list[bytes]:
    try:
        return [bytes.fromhex(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ProblemFoundError(problem("proof.malformed", detail=str(exc))) from exc


def verify_inclusion_proof_bundle(
    envelope_json: bytes | str,
    proof: Sequence[str],
    leaf_index: int,
    tree_size: int,
    checkpoint: str,
    verifier_key: str,
) -> InclusionReport:
    """Confirm one event is in the signed tree: its hash, its proof, the checkpoint signature."""
    try:
        signed = read_checkpoint(checkpoint, read_key(verifier_key))
        position = _check_bundle(envelope_json, proof, leaf_index, tree_size, signed)
    except ProblemFoundError as stop:
        return InclusionReport(ok=False, problem=stop.problem)
    head = Head(size=signed.size, root=signed.root.hex())
    return InclusionReport(ok=True, position=position, head=head)


def _check_bundle(
    envelope_json: bytes | str,
    proof: Sequence[str],
    leaf_index: int,
    tree_size: int,
    signed: Checkpoint,
) -> int:
    data = envelope_json.encode() if isinstance(envelope_json, str) else envelope_json
    try:
        position, prev_hash, claimed, leaf = exact_leaf(data)
        recomputed = chain_hash(bytes.fromhex(prev_hash), leaf).hex()
    except LeafError as exc:
        raise ProblemFoundError(problem(exc.code, None, str(exc))) from exc
    except ValueError as exc:  # prev_hash is not hex
        raise ProblemFoundError(problem("event.malformed", None, str(exc))) from exc
    if recomputed != claimed:
        raise ProblemFoundError(
            problem("event.hash_mismatch", position, f"recomputed {recomputed}")
        )
    if tree_size != signed.size:
        raise ProblemFoundError(
            problem("proof.size_mismatch", position, f"{tree_size} != {signed.size}")
        )
    if leaf_index != position - 1:
        raise ProblemFoundError(
            problem("proof.index_mismatch", position, f"leaf index {leaf_index}")
        )
    if not verify_inclusion(leaf_hash(leaf), leaf_index, tree_size, _unhex(proof), signed.root):
        raise ProblemFoundError(problem("proof.inclusion", position))
    return position
