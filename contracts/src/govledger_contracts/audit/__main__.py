"""``python -m govledger_contracts.audit``: the same as the ``govledger-audit`` command."""

from govledger_contracts.audit.cli import main

raise SystemExit(main())
