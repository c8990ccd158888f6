"""Command bodies accepted over HTTP (strict: unknown fields are refused)."""

from govledger_contracts.commands.appointment import AppointMember
from govledger_contracts.commands.base import Command, ExpectedVersion
from govledger_contracts.commands.proposal import ProposeAgenda

__all__ = ["AppointMember", "Command", "ExpectedVersion", "ProposeAgenda"]
