"""What an auditor trusted before: the last checkpoint accepted, kept in a small JSON file.

The file holds the accepted signed checkpoint (so two conflicting signed checkpoints can be shown
side by side as evidence of a fork), its size and root, the verifier key, and when the
checkpoint was accepted from an export also the tree's right edge (``right_edge``: hex hashes of
the O(log n) perfect subtrees of ``merkle.root_plan(size)``, largest first) and the hash of the
event at that size (``chain_head``). With the right edge a later export is checked for
consistency leaf by leaf and a fork is located to the subtree where it starts; without it (a
checkpoint accepted through a consistency proof) only the root at that size is compared.

Example::

    {"version": 1, "origin": "govledger.seongdong", "verifier_key": "govledger.seongdong+...",
     "size": 6, "root": "<hex>", "right_edge": ["<hex of leaves 1-4>", "<hex of leaves 5-6>"],
     "chain_head": "<hex>", "checkpoint": "govledger.seongdong\\n6\\n...— govledger..."}
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import msgspec

from govledger_contracts.audit.merkle import CompactRange

STATE_VERSION = 1


class StateError(ValueError):
    """The trusted state file is unreadable or contradicts itself."""


class TrustedState(msgspec.Struct, frozen=True, kw_only=True):
    """The last checkpoint an auditor accepted, and what is needed to check the next one."""

    version: int = STATE_VERSION
    origin: str
    verifier_key: str
    size: int
    root: str
    """Lowercase hex Merkle root at ``size``."""
    right_edge: tuple[str, ...] | None = None
    """Hex hashes of the perfect subtrees covering leaves [0, size), largest first."""
    chain_head: str | None = None
    """Hex hash of the event at position ``size`` (None if accepted through a proof)."""
    checkpoint: str
    """The accepted signed checkpoint, verbatim."""

    def edge(self) -> CompactRange | None:
        """The remembered right edge as a compact range, if the state has one."""
        if self.right_edge is None:
            return None
        return CompactRange(self.size, [bytes.fromhex(h) for h in self.right_edge])


def load_state(path: str | os.PathLike[str]) -> TrustedState | None:
    """Read the trusted state; None if the file does not exist yet."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    try:
        state = msgspec.json.decode(data, type=TrustedState)
        _check(state)
    except (msgspec.DecodeError, ValueError) as exc:
        raise StateError(f"{path}: {exc}") from exc
    return state


def _check(state: TrustedState) -> None:
    if state.version != STATE_VERSION or state.size < 0 or len(bytes.fromhex(state.root)) != 32:
        raise StateError("unsupported version, negative size or bad root")
    edge = state.edge()
    if edge is not None and edge.root().hex() != state.root:
        raise StateError("right_edge does not fold to root")


def save_state(path: str | os.PathLike[str], state: TrustedState) -> None:
    """Replace the trusted state atomically (write a sibling file, then rename it over)."""
    target = Path(path)
    data = msgspec.json.format(msgspec.json.encode(state), indent=2) + b"\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
