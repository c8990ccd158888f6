"""The role matrix over HTTP, cell by cell: every command path × every bearer-token role.

A role outside the handler's roles gets 403 ``auth.role_forbidden`` and writes nothing; an
allowed role gets past the role check (whatever the rules then say: 201, 409 or 422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from govledger_ledger.auth import ROLES
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Handler
from govledger_ledger.domain.roles import ALL_ROLES
from govledger_ledger.settings import Settings

HANDLER_LIST = list(HANDLERS.values())


def test_the_matrix_covers_every_role_a_token_can_carry() -> None:
    assert set(ALL_ROLES) == ROLES


async def head(settings: Settings) -> int:
    """The log's last position, read beside the app (the test client runs it in its own loop)."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        return int(await conn.fetchval("SELECT position FROM ledger.head"))
    finally:
        await conn.close()


@pytest.mark.parametrize("handler", HANDLER_LIST, ids=[h.path for h in HANDLER_LIST])
async def test_each_role_is_refused_a_command_exactly_when_the_matrix_forbids_it(
    handler: Handler[Any], client: AsyncTestClient,  # type: ignore[type-arg]
    token: Callable[[str], dict[str, str]], domain_settings: Settings,
) -> None:
    wrong: list[str] = []
    for role in sorted(ROLES):
        before = await head(domain_settings)
        response = await client.post(handler.path, json=handler.example, headers=token(role))
        forbidden = response.status_code == 403
        if forbidden:
            assert response.json()["code"] == "auth.role_forbidden", (role, response.json())
            assert await head(domain_settings) == before, f"{role}: refused, yet written"
        if forbidden == (role in handler.roles):
            wrong.append(f"{role}: {response.status_code} {response.text[:120]}")
    assert not wrong, f"{handler.path} disagrees with the matrix for " + "; ".join(wrong)
