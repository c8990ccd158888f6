"""The projector's HTTP API (Litestar)."""
