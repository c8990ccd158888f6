"""The auditor's toolkit: verify govledger's hash chain, Merkle tree and signed checkpoints offline.

Pure and offline (msgspec, cryptography and the standard library only), so an auditor installs
``govledger-contracts`` alone. ``merkle`` is the RFC 6962 tree and its proofs, ``note`` the
signed checkpoints, ``verify`` the audit of an export directory; see docs/adr/0004.
"""
