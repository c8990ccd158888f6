"""The Merkle tree against RFC 6962 vectors and against the RFC 9162 definitions themselves.

tests/data/rfc6962-vectors.json is a copy of shared/testdata/rfc6962-vectors.json: data from
transparency-dev/merkle (Apache-2.0) and google/certificate-transparency, sources listed inside.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from govledger_contracts.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemorySubtreeSource,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    new_perfect_subtrees,
    node_hash,
    root,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "data" / "rfc6962-vectors.json").read_text(encoding="utf-8")
)
REFERENCE = VECTORS["reference_tree"]
H = bytes.fromhex


def reference_source() -> MemorySubtreeSource:
    leaves = [H(x) for x in REFERENCE["leaf_inputs_hex"]]
    return MemorySubtreeSource.from_leaf_hashes(leaf_hash(leaf) for leaf in leaves)


# RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 written as the RFC states them, over leaf hashes.
def split(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def mth(hashes: list[bytes]) -> bytes:
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = split(len(hashes))
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def path(m: int, hashes: list[bytes]) -> list[bytes]:
    if len(hashes) == 1:
        return []
    k = split(len(hashes))
    if m < k:
        return [*path(m, hashes[:k]), mth(hashes[k:])]
    return [*path(m - k, hashes[k:]), mth(hashes[:k])]


def subproof(m: int, hashes: list[bytes], whole: bool) -> list[bytes]:
    if m == len(hashes):
        return [] if whole else [mth(hashes)]
    k = split(len(hashes))
    if m <= k:
        return [*subproof(m, hashes[:k], whole), mth(hashes[k:])]
    return [*subproof(m - k, hashes[k:], False), mth(hashes[:k])]


def leaves_of(size: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"{salt}:{i}".encode()) for i in range(size)]


class CountingSource:
    """A SubtreeSource that counts look-ups, to hold proofs to O(log n) reads."""

    def __init__(self, inner: MemorySubtreeSource) -> None:
        self.inner, self.reads = inner, 0

    def subtree(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.inner.subtree(level, index)


def test_hashes_the_empty_tree_and_the_empty_leaf_as_rfc_6962_does() -> None:
    empty_root, empty_leaf = VECTORS["hasher_known_answers"][:2]
    assert EMPTY_ROOT.hex() == empty_root["want_hex"]
    assert leaf_hash(b"").hex() == empty_leaf["want_hex"]
    assert root_from_leaf_hashes([]) == EMPTY_ROOT


def test_stores_exactly_the_reference_trees_perfect_subtrees() -> None:
    source = reference_source()
    for level, hashes in enumerate(REFERENCE["node_hashes_by_level"]["levels"]):
        assert [source.subtree(level, i).hex() for i in range(len(hashes))] == hashes


@pytest.mark.parametrize("size", range(9))
def test_computes_the_reference_root_at_every_size(size: int) -> None:
    want = REFERENCE["root_hashes_by_tree_size"][str(size)]
    hashes = [leaf_hash(H(x)) for x in REFERENCE["leaf_inputs_hex"][:size]]
    assert root_from_leaf_hashes(hashes).hex() == want
    assert root(reference_source(), size).hex() == want
    assert MemorySubtreeSource.from_leaf_hashes(hashes).root().hex() == want


@pytest.mark.parametrize("case", VECTORS["classic_proof_tables"]["inclusion"])
def test_generates_the_published_inclusion_proofs(case: dict[str, Any]) -> None:
    proof = inclusion_proof(reference_source(), case["leaf_index"], case["tree_size"])
    assert [p.hex() for p in proof] == case["proof_hex"]
    leaf = H(REFERENCE["node_hashes_by_level"]["levels"][0][case["leaf_index"]])
    assert verify_inclusion(leaf, case["leaf_index"], case["tree_size"], proof, H(case["root_hex"]))


@pytest.mark.parametrize("case", VECTORS["classic_proof_tables"]["consistency"])
def test_generates_the_published_consistency_proofs(case: dict[str, Any]) -> None:
    size1, size2 = case["size1"], case["size2"]
    proof = consistency_proof(reference_source(), size1, size2)
    assert [p.hex() for p in proof] == case["proof_hex"]
    roots = REFERENCE["root_hashes_by_tree_size"]
    assert verify_consistency(size1, size2, proof, H(roots[str(size1)]), H(roots[str(size2)]))


def test_reproduces_the_rfc_9162_seven_leaf_example() -> None:
    example = VECTORS["derived_by_researcher"]["rfc9162_example"]
    source = reference_source()
    assert root(source, 7).hex() == example["root_hex"]
    for case in example["inclusion"]:
        assert [p.hex() for p in inclusion_proof(source, case["leaf_index"], 7)] == case[
            "proof_hex"
        ]
    for case in example["consistency"]:
        proof = consistency_proof(source, case["size1"], case["size2"])
        assert [p.hex() for p in proof] == case["proof_hex"]


@pytest.mark.parametrize(
    "probe", VECTORS["inclusion_probes"]["items"], ids=lambda p: p["file"].removeprefix("testdata/")
)
def test_judges_each_inclusion_probe_as_transparency_dev_does(probe: dict[str, Any]) -> None:
    proof = [H(x) for x in probe["proof_hex"]]
    verdict = verify_inclusion(
        H(probe["leafHash_hex"]), probe["leafIdx"], probe["treeSize"], proof, H(probe["root_hex"])
    )
    assert verdict is not probe["wantErr"]


@pytest.mark.parametrize(
    "probe",
    VECTORS["consistency_probes"]["items"],
    ids=lambda p: p["file"].removeprefix("testdata/"),
)
def test_judges_each_consistency_probe_as_transparency_dev_does(probe: dict[str, Any]) -> None:
    proof = [H(x) for x in probe["proof_hex"]]
    verdict = verify_consistency(
        probe["size1"], probe["size2"], proof, H(probe["root1_hex"]), H(probe["root2_hex"])
    )
    assert verdict is not probe["wantErr"]


def test_rejects_consistency_from_the_empty_tree_even_to_the_empty_tree() -> None:
    assert not verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    assert not verify_consistency(0, 3, [], EMPTY_ROOT, mth(leaves_of(3)))
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(reference_source(), 0, 4)


def test_refuses_to_prove_a_leaf_outside_the_tree() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(reference_source(), 8, 8)


sizes = st.integers(min_value=1, max_value=300)


@given(size=sizes, data=st.data())
def test_every_generated_inclusion_proof_is_the_rfc_path_and_verifies(
    size: int, data: st.DataObject
) -> None:
    hashes = leaves_of(size)
    index = data.draw(st.integers(0, size - 1))
    source = CountingSource(MemorySubtreeSource.from_leaf_hashes(hashes))
    proof = inclusion_proof(source, index, size)
    assert proof == path(index, hashes)
    assert verify_inclusion(hashes[index], index, size, proof, mth(hashes))
    assert source.reads <= 2 * size.bit_length() + 1


@given(size=sizes, data=st.data())
def test_every_generated_consistency_proof_is_the_rfc_proof_and_verifies(
    size: int, data: st.DataObject
) -> None:
    hashes = leaves_of(size)
    size1 = data.draw(st.integers(1, size))
    source = CountingSource(MemorySubtreeSource.from_leaf_hashes(hashes))
    proof = consistency_proof(source, size1, size)
    assert proof == subproof(size1, hashes, True)
    assert verify_consistency(size1, size, proof, mth(hashes[:size1]), mth(hashes))
    assert source.reads <= 2 * size.bit_length() + 1


def mutations(proof: list[bytes], data: st.DataObject) -> list[list[bytes]]:
    """A flipped byte, a dropped element and an added element (where the proof allows)."""
    variants = [[*proof, leaf_hash(b"extra")], [leaf_hash(b"extra"), *proof]]
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        flipped = bytearray(proof[at])
        flipped[byte] ^= 1 << data.draw(st.integers(0, 7))
        variants += [[*proof[:at], bytes(flipped), *proof[at + 1 :]], proof[:at] + proof[at + 1 :]]
    return variants


@given(size=sizes, data=st.data())
def test_rejects_every_mutated_inclusion_proof(size: int, data: st.DataObject) -> None:
    hashes = leaves_of(size + 1)
    index = data.draw(st.integers(0, size - 1))
    proof, top = path(index, hashes[:size]), mth(hashes[:size])
    for variant in mutations(proof, data):
        assert not verify_inclusion(hashes[index], index, size, variant, top)
    other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index)) if size > 1 else 1
    assert not verify_inclusion(hashes[index], other, size, proof, top)
    assert not verify_inclusion(hashes[index], index, size + 1, proof, mth(hashes))
    assert not verify_inclusion(leaf_hash(b"other"), index, size, proof, top)


@given(size=sizes, data=st.data())
def test_rejects_a_consistency_proof_for_a_forked_log(size: int, data: st.DataObject) -> None:
    size1 = data.draw(st.integers(1, size))
    assume(size1 < size)
    honest, forked = leaves_of(size), leaves_of(size, salt=1)
    fork_at = data.draw(st.integers(0, size1 - 1))
    forked = honest[:fork_at] + forked[fork_at:]
    proof = subproof(size1, forked, True)
    assert not verify_consistency(size1, size, proof, mth(honest[:size1]), mth(forked))


@given(size=sizes, data=st.data())
def test_rejects_every_mutated_consistency_proof(size: int, data: st.DataObject) -> None:
    hashes = leaves_of(size + 1)
    size1 = data.draw(st.integers(1, size))
    proof = subproof(size1, hashes[:size], True)
    root1, root2 = mth(hashes[:size1]), mth(hashes[:size])
    for variant in mutations(proof, data):
        assert not verify_consistency(size1, size, variant, root1, root2)
    assert not verify_consistency(size1, size + 1, proof, root1, mth(hashes))
    if size1 > 1:
        assert not verify_consistency(size1 - 1, size, proof, mth(hashes[: size1 - 1]), root2)


@given(batches=st.lists(st.integers(0, 40), max_size=8))
def test_stores_each_perfect_subtree_once_as_leaves_arrive_in_batches(batches: list[int]) -> None:
    hashes = leaves_of(sum(batches))
    source, stored, done = MemorySubtreeSource(), [], 0
    for count in batches:
        planned = list(new_perfect_subtrees(source, done, hashes[done : done + count]))
        added = source.extend(hashes[done : done + count])
        assert planned == added
        stored += added
        done += count
    coords = [(n.level, n.index) for n in stored]
    assert len(coords) == len(set(coords))
    perfect = {(lv, i) for lv in range(done.bit_length()) for i in range(done >> lv)}
    assert set(coords) == perfect
    for node in stored:
        width = 1 << node.level
        assert node.hash == mth(hashes[node.index * width : (node.index + 1) * width])


@given(size=st.integers(0, 5000))
def test_keeps_only_the_right_edge_while_streaming(size: int) -> None:
    edge = CompactRange()
    for h in leaves_of(size):
        edge.append(h)
    assert len(edge.hashes()) == size.bit_count()
    assert CompactRange(size, edge.hashes()).root() == edge.root()


def test_refuses_a_compact_range_with_the_wrong_number_of_hashes() -> None:
    with pytest.raises(ValueError, match="has 2 hashes"):
        CompactRange(3, [leaf_hash(b"a")])
