"""Every rule code is catalogued, documented, produced by the domain and exercised by a test."""

from __future__ import annotations

import re
from pathlib import Path

from govledger_ledger.domain.rules import RULES

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = ROOT / "services/ledger/src/govledger_ledger/domain"
_CODE = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def _codes_in(paths: list[Path]) -> set[str]:
    return {c for p in paths for c in _CODE.findall(p.read_text("utf-8"))}


def test_every_code_has_a_status_of_409_or_422_and_both_messages() -> None:
    for code, (status, ko, en) in RULES.items():
        assert status in (409, 422), code
        assert re.search(r"[가-힣]", ko), code
        assert en[:1].isupper(), code


def test_every_code_the_domain_refuses_with_is_catalogued() -> None:
    used = _codes_in([p for p in DOMAIN.glob("*.py") if p.name != "rules.py"])
    assert {c for c in used if c.split(".")[0] in {k.split(".")[0] for k in RULES}} <= set(RULES)


def test_every_refusal_of_an_invalid_command_names_its_field() -> None:
    sources = [p.read_text("utf-8") for p in DOMAIN.glob("*.py") if p.name != "rules.py"]
    unnamed = {c for text in sources for c in re.findall(r'refuse\("([a-z_.]+)"\)', text)}
    assert [c for c in unnamed if RULES[c][0] == 422] == []


def test_every_catalogued_code_is_exercised_by_a_test() -> None:
    tested = _codes_in(list(Path(__file__).parent.glob("test_*.py")))
    assert set(RULES) - tested == set()


def test_every_catalogued_code_is_in_the_domain_docs() -> None:
    docs = (ROOT / "docs/domain.md").read_text("utf-8")
    assert [c for c in RULES if f"`{c}`" not in docs] == []
