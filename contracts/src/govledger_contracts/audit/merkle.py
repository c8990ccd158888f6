"""The ledger's Merkle tree: RFC 6962 / RFC 9162 hashing, proofs and their verification.

Leaf ``i`` (0-based) is the event at position ``i + 1``; its leaf input is exactly
``Envelope.leaf_bytes()``, the canonical bytes of the envelope minus its two hashes. Hashing is
SHA-256 with domain separation: a leaf hash is ``SHA-256(0x00 ‖ leaf)``, an inner node is
``SHA-256(0x01 ‖ left ‖ right)`` and the root of the empty tree is ``SHA-256("")``.

Proofs are generated from stored hashes of *perfect* subtrees (2**level leaves starting at
``index * 2**level``), which a server writes once each as leaves are appended
(``new_perfect_subtrees``). A node on the tree's incomplete right edge is never stored: it is
composed from the perfect subtrees it decomposes into, so a proof or a root needs O(log n)
look-ups. Each proof has a pure *plan* (which subtrees to read) so that an asynchronous server
can fetch them in one query and ``fold`` them itself.

Edge-case policies (those of transparency-dev/merkle, pinned by the probes in
tests/data/rfc6962-vectors.json):

* every hash is 32 bytes; a leaf hash or proof element of another length is rejected;
* inclusion needs ``0 <= index < tree_size`` and a proof of exactly the RFC 9162 length;
* consistency with ``size1 == 0`` is always rejected, even ``0 == size2`` (a proof from the
  empty tree proves nothing; callers decide what an empty trusted tree means);
* ``size1 == size2`` is consistent only with an empty proof and ``root1 == root2``;
* ``size1 < size2`` needs a non-empty proof; ``size1 > size2`` is rejected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol

import msgspec

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root of the tree with no leaves: SHA-256 of the empty string."""

Coord = tuple[int, int]
"""A perfect subtree: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level)."""
Plan = tuple[Coord, ...]
"""Perfect subtrees, left to right, whose ``fold`` is one proof element or root."""

_sha256 = hashlib.sha256


def leaf_hash(leaf: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 ‖ leaf)."""
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 inner node: SHA-256(0x01 ‖ left ‖ right)."""
    return _sha256(b"\x01" + left + right).digest()


def fold(hashes: Sequence[bytes]) -> bytes:
    """Compose a subtree's hash from its perfect subtrees given left to right (largest first)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


class SubtreeNode(msgspec.Struct, frozen=True, kw_only=True):
    """A perfect subtree's hash, as a server stores it: once, when its last leaf arrives."""

    level: int
    index: int
    hash: bytes


class SubtreeSource(Protocol):
    """Where proofs read perfect-subtree hashes from (a table, a dict, tiles...)."""

    def subtree(self, level: int, index: int) -> bytes:
        """Hash of the perfect subtree of 2**level leaves starting at leaf index * 2**level."""
        ...


def range_plan(begin: int, end: int) -> Plan:
    """Perfect subtrees covering [begin, end); begin is aligned to a power of two >= the width."""
    coords: list[Coord] = []
    width = end - begin
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            coords.append((level, begin >> level))
            begin += 1 << level
    return tuple(coords)


def root_plan(tree_size: int) -> Plan:
    """The tree's right edge ("compact range"): perfect subtrees covering [0, tree_size)."""
    if tree_size < 0:
        raise ValueError("tree size must not be negative")
    return range_plan(0, tree_size)


def inclusion_plan(index: int, tree_size: int) -> list[Plan]:
    """RFC 9162 inclusion path for leaf ``index``, leaf to root, as subtrees to fold."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is not in a tree of size {tree_size}")
    last = tree_size - 1
    inner = (index ^ last).bit_length()
    plans: list[Plan] = []
    for level in range(inner):
        begin = ((index >> level) ^ 1) << level
        plans.append(range_plan(begin, min(begin + (1 << level), tree_size)))
    for level in range(inner, last.bit_length()):
        if index >> level & 1:
            plans.append(((level, (index >> level) ^ 1),))
    return plans


def consistency_plan(size1: int, size2: int) -> list[Plan]:
    """RFC 9162 consistency proof PROOF(size1, D[size2]) as subtrees to fold."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    ranges: list[tuple[int, int]] = []
    lo, hi, whole = 0, size2, True
    while size1 != hi:
        k = 1 << ((hi - lo - 1).bit_length() - 1)  # largest power of two below hi - lo
        if size1 - lo <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, whole = lo + k, False
    ordered = ranges[::-1] if whole else [(lo, hi), *ranges[::-1]]
    return [range_plan(a, b) for a, b in ordered]


def _read(source: SubtreeSource, plans: Iterable[Plan]) -> list[bytes]:
    return [fold([source.subtree(level, index) for level, index in plan]) for plan in plans]


def root(source: SubtreeSource, tree_size: int) -> bytes:
    """Root hash of the first ``tree_size`` leaves, from O(log n) stored subtrees."""
    return _read(source, [root_plan(tree_size)])[0]


def inclusion_proof(source: SubtreeSource, index: int, tree_size: int) -> list[bytes]:
    """Inclusion proof of leaf ``index`` in the tree of ``tree_size`` leaves."""
    return _read(source, inclusion_plan(index, tree_size))


def consistency_proof(source: SubtreeSource, size1: int, size2: int) -> list[bytes]:
    """Proof that the tree of ``size2`` leaves extends the tree of ``size1`` leaves."""
    return _read(source, consistency_plan(size1, size2))


class CompactRange:
    """The right edge of a growing tree: O(log n) perfect-subtree hashes, one leaf at a time."""

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a compact range of size {size} has {size.bit_count()} hashes")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError("compact range hashes are 32 bytes")
        self._size = size
        self._hashes = list(hashes)

    @property
    def size(self) -> int:
        """How many leaves the range covers, from leaf 0."""
        return self._size

    def hashes(self) -> tuple[bytes, ...]:
        """The perfect subtrees of ``root_plan(size)``, largest first."""
        return tuple(self._hashes)

    def root(self) -> bytes:
        """Root hash of the tree whose right edge this is."""
        return fold(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        """Add the next leaf, merging equal-sized subtrees as a binary counter carries."""
        hashes, carry, h = self._hashes, self._size, leaf_hash
        while carry & 1:
            h = _sha256(b"\x01" + hashes.pop() + h).digest()
            carry >>= 1
        hashes.append(h)
        self._size += 1

    def append_nodes(self, leaf_hash: bytes) -> list[SubtreeNode]:
        """Add the next leaf and return every perfect subtree it completes, the leaf first."""
        index, level, h = self._size, 0, leaf_hash
        nodes = [SubtreeNode(level=0, index=index, hash=h)]
        while index & 1:
            h = node_hash(self._hashes.pop(), h)
            index, level = index >> 1, level + 1
            nodes.append(SubtreeNode(level=level, index=index, hash=h))
        self._hashes.append(h)
        self._size += 1
        return nodes


def compact_range(source: SubtreeSource, tree_size: int) -> CompactRange:
    """The right edge of the tree of ``tree_size`` leaves, read from a source."""
    hashes = [source.subtree(level, index) for level, index in root_plan(tree_size)]
    return CompactRange(tree_size, hashes)


def root_from_leaf_hashes(leaf_hashes: Iterable[bytes]) -> bytes:
    """Root over a stream of leaf hashes in O(n) time and O(log n) memory."""
    edge = CompactRange()
    for h in leaf_hashes:
        edge.append(h)
    return edge.root()


def new_perfect_subtrees(
    source: SubtreeSource, tree_size: int, leaf_hashes: Iterable[bytes]
) -> Iterator[SubtreeNode]:
    """The perfect subtrees to store when ``leaf_hashes`` are appended at leaf ``tree_size``."""
    edge = compact_range(source, tree_size)
    for h in leaf_hashes:
        yield from edge.append_nodes(h)


class MemorySubtreeSource:
    """Perfect-subtree hashes in a dict, filled as leaves are appended (tests, offline tools)."""

    def __init__(self, nodes: Mapping[Coord, bytes] | None = None, size: int = 0) -> None:
        self._nodes: dict[Coord, bytes] = dict(nodes or {})
        self._edge = compact_range(self, size)

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Iterable[bytes]) -> MemorySubtreeSource:
        """A source holding every perfect subtree of a tree of these leaves."""
        source = cls()
        source.extend(leaf_hashes)
        return source

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._edge.size

    def subtree(self, level: int, index: int) -> bytes:
        """Stored hash of a perfect subtree; KeyError if it is not (yet) complete."""
        return self._nodes[(level, index)]

    def extend(self, leaf_hashes: Iterable[bytes]) -> list[SubtreeNode]:
        """Append leaves; return the perfect subtrees they completed, as a server would store."""
        added: list[SubtreeNode] = []
        for h in leaf_hashes:
            for node in self._edge.append_nodes(h):
                self._nodes[(node.level, node.index)] = node.hash
                added.append(node)
        return added

    def root(self) -> bytes:
        """Root hash of all appended leaves."""
        return self._edge.root()


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` lead from leaf ``index`` to ``root``?"""
    if not 0 <= index < tree_size or not _all_hashes([leaf_hash, *proof]):
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (size2, root2) an extension of (size1, root1)?"""
    if size1 <= 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof or not _all_hashes(proof):
        return False
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2


def _all_hashes(values: Sequence[bytes]) -> bool:
    return all(len(v) == HASH_SIZE for v in values)
