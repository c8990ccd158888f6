-- The Merkle tree over the global log and its signed checkpoints (docs/adr/0004).
--
-- Written by the checkpointer (checkpoints.py), never by the append transaction: the tree
-- lags the log by at most one checkpoint interval, and the hot path stays one lock, one COPY.

-- Every *perfect* subtree, stored once when its last leaf is appended: (level, idx) covers
-- leaves [idx * 2^level, (idx + 1) * 2^level). Leaf i is the event at position i + 1. The
-- tree's size is the number of level-0 rows, read as max(idx) + 1 from the primary key.
CREATE TABLE ledger.merkle_subtrees (
    level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx   bigint   NOT NULL CHECK (idx >= 0),
    hash  bytea    NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- Signed tree heads: a C2SP tlog-checkpoint in a signed note, one per tree size.
CREATE TABLE ledger.checkpoints (
    size        bigint      PRIMARY KEY CHECK (size >= 0),
    root        bytea       NOT NULL CHECK (octet_length(root) = 32),
    signed_note text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Append-only, like the events they commit to.
CREATE TRIGGER merkle_subtrees_append_only BEFORE UPDATE OR DELETE ON ledger.merkle_subtrees
    FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER merkle_subtrees_no_truncate BEFORE TRUNCATE ON ledger.merkle_subtrees
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger.checkpoints
    FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON ledger.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

REVOKE ALL ON ledger.merkle_subtrees FROM govledger_writer;
REVOKE ALL ON ledger.checkpoints FROM govledger_writer;
GRANT SELECT, INSERT ON ledger.merkle_subtrees TO govledger_writer;
GRANT SELECT, INSERT ON ledger.checkpoints TO govledger_writer;
