"""What an audit reports: results, problems with stable codes, and their messages in two languages.

Every problem has a dotted code (``event.hash_mismatch``, ``chain.gap``, ``checkpoint.consistency``
...) that tools can rely on, the 1-based position where it was found when there is one, a
message in Korean and English for the person reading the report, and a technical detail.
"""

from __future__ import annotations

import os

import msgspec

from govledger_contracts.audit.note import (
    Checkpoint,
    NoteError,
    VerifierKey,
    open_checkpoint,
    parse_verifier_key,
)
from govledger_contracts.audit.state import StateError, TrustedState, load_state

MESSAGES: dict[str, tuple[str, str]] = {
    "export.missing_file": ("내보내기 파일이 없습니다", "a file of the export is missing"),
    "key.malformed": (
        "검증 키가 없거나 형식이 잘못되었습니다",
        "the verifier key is missing or malformed",
    ),
    "state.malformed": (
        "신뢰 상태 파일을 읽을 수 없습니다",
        "the trusted state file is unreadable",
    ),
    "checkpoint.malformed": ("체크포인트 형식이 잘못되었습니다", "the checkpoint is malformed"),
    "checkpoint.unknown_key": (
        "신뢰하는 키로 서명된 체크포인트가 아닙니다",
        "the checkpoint is not signed by the trusted key",
    ),
    "checkpoint.bad_signature": (
        "체크포인트 서명이 올바르지 않습니다",
        "the checkpoint signature is invalid",
    ),
    "checkpoint.origin_mismatch": (
        "다른 기록부의 체크포인트입니다",
        "the checkpoint is for another log",
    ),
    "event.malformed": ("사건 기록을 읽을 수 없습니다", "the line is not a valid event envelope"),
    "event.not_canonical": ("사건에 정규 인코딩이 없습니다", "the event has no canonical encoding"),
    "event.hash_mismatch": (
        "사건 내용이 해시와 맞지 않습니다 — 수정된 기록",
        "the event does not match its hash: it was edited",
    ),
    "chain.gap": ("사건이 빠져 있습니다 — 삭제된 기록", "an event is missing: it was deleted"),
    "chain.order": (
        "사건의 순서가 바뀌었거나 중복되었습니다",
        "events are out of order or repeated",
    ),
    "chain.prev_mismatch": (
        "이전 해시가 앞 사건과 맞지 않습니다 — 사슬이 끊겼습니다",
        "prev_hash does not match the previous event: the chain is broken",
    ),
    "checkpoint.size_exceeds_log": (
        "체크포인트보다 기록이 짧습니다 — 뒷부분이 잘렸습니다",
        "the checkpoint covers more events than the export holds: the tail was cut off",
    ),
    "checkpoint.root_mismatch": (
        "체크포인트의 루트 해시가 기록과 맞지 않습니다",
        "the checkpoint's root hash does not match the events",
    ),
    "checkpoint.consistency": (
        "이전에 확인한 체크포인트와 일관되지 않습니다 — 포크 또는 기록 변조",
        "not consistent with the checkpoint you accepted before: a fork or rewritten history",
    ),
    "checkpoint.older_than_trusted": (
        "이전에 확인한 체크포인트보다 짧은 기록이라 일관성을 확인할 수 없습니다",
        "shorter than the checkpoint you accepted before, so consistency cannot be checked",
    ),
    "proof.malformed": ("증명 형식이 잘못되었습니다", "the proof is malformed"),
    "proof.size_mismatch": (
        "증명의 트리 크기가 체크포인트와 다릅니다",
        "the proof is for another tree size",
    ),
    "proof.index_mismatch": (
        "증명의 위치가 사건의 위치와 다릅니다",
        "the proof is for another position",
    ),
    "proof.inclusion": (
        "사건이 서명된 트리에 포함되어 있지 않습니다",
        "the proof does not place the event in the signed tree",
    ),
}
_NOTE_CODES = {
    "note.malformed": "checkpoint.malformed",
    "note.unknown_key": "checkpoint.unknown_key",
    "note.bad_signature": "checkpoint.bad_signature",
}


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """The first thing found wrong: a stable dotted code, where, and what (Korean / English)."""

    code: str
    position: int | None = None
    """1-based event position where the problem is (None when it has no single place)."""
    message: str
    detail: str = ""


class Head(msgspec.Struct, frozen=True, kw_only=True):
    """A verified tree head: how many events, their Merkle root and the last event's hash."""

    size: int
    root: str
    chain_head: str | None = None


class AuditReport(msgspec.Struct, frozen=True, kw_only=True):
    """Outcome of an audit: the signed head that verified, or the first problem."""

    ok: bool
    events: int = 0
    """Events read and verified (hash and chain) before stopping."""
    head: Head | None = None
    problem: Problem | None = None
    state_updated: bool = False


class InclusionReport(msgspec.Struct, frozen=True, kw_only=True):
    """Outcome of a one-event check: is this event in the signed tree?"""

    ok: bool
    position: int | None = None
    head: Head | None = None
    problem: Problem | None = None


def problem(code: str, position: int | None = None, detail: str = "") -> Problem:
    """A Problem with the code's bilingual message."""
    ko, en = MESSAGES[code]
    return Problem(code=code, position=position, message=f"{ko} / {en}", detail=detail)


class ProblemFoundError(Exception):
    """Raised inside the audit to stop at the first problem; carries it and the events verified."""

    def __init__(self, found: Problem, events: int = 0) -> None:
        super().__init__(found.code)
        self.problem, self.events = found, events


def read_state(state_file: str | os.PathLike[str] | None) -> TrustedState | None:
    """The trusted state, None without one; an unreadable file stops the audit."""
    try:
        return None if state_file is None else load_state(state_file)
    except StateError as exc:
        raise ProblemFoundError(problem("state.malformed", detail=str(exc))) from exc


def read_key(text: str) -> VerifierKey:
    """The verifier key; a malformed one stops the audit."""
    try:
        return parse_verifier_key(text)
    except NoteError as exc:
        raise ProblemFoundError(problem("key.malformed", detail=str(exc))) from exc


def read_checkpoint(text: str, key: VerifierKey) -> Checkpoint:
    """The verified checkpoint; a bad signature or body stops the audit."""
    try:
        return open_checkpoint(text, key)
    except NoteError as exc:
        raise ProblemFoundError(
            problem(_NOTE_CODES.get(exc.code, exc.code), detail=str(exc))
        ) from exc
