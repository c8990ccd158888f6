"""JSON Schema export of the envelope, every event type and every command body."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from govledger_contracts.commands.base import Command
from govledger_contracts.envelope import Envelope
from govledger_contracts.events import EVENT_BY_TAG


def _command_types() -> list[type[Command]]:
    from govledger_contracts import commands

    return [t for t in vars(commands).values()
            if isinstance(t, type) and issubclass(t, Command) and t is not Command]


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema (2020-12) document."""
    out: dict[str, dict[str, Any]] = {"envelope.schema.json": msgspec.json.schema(Envelope)}
    for tag, event_type in sorted(EVENT_BY_TAG.items()):
        out[f"events/{tag}.schema.json"] = msgspec.json.schema(event_type)
    for command_type in sorted(_command_types(), key=lambda t: t.__name__):
        out[f"commands/{command_type.__name__}.schema.json"] = msgspec.json.schema(command_type)
    for doc in out.values():
        doc.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    return out


def export_schemas(directory: Path) -> list[Path]:
    """Write every schema under ``directory``; return the files written."""
    written = []
    for name, doc in all_schemas().items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
