-- The global event log, its head (the serialisation point for appends) and the
-- append-only guarantees the database itself enforces.
CREATE SCHEMA IF NOT EXISTS ledger;

CREATE TABLE ledger.events (
    position        bigint      PRIMARY KEY CHECK (position > 0),
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version > 0),
    type            text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor_id        text        NOT NULL,
    actor_role      text        NOT NULL,
    reason          text        NOT NULL,
    correlation_id  text        NOT NULL,
    causation_id    text,
    payload         jsonb       NOT NULL,
    prev_hash       bytea       NOT NULL CHECK (length(prev_hash) = 32),
    hash            bytea       NOT NULL CHECK (length(hash) = 32),
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_type_idx ON ledger.events (type, position);

-- One row: the last position and hash. Every append transaction locks it FOR UPDATE,
-- which serialises appends across all ledger processes (see PostgresEventStore).
CREATE TABLE ledger.head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint  NOT NULL,
    hash      bytea   NOT NULL
);
INSERT INTO ledger.head VALUES (true, 0, decode(repeat('00', 32), 'hex'));

-- Idempotency-Key records: a retry with the same key and body replays these positions.
CREATE TABLE ledger.idempotency (
    subject        text        NOT NULL,
    key            text        NOT NULL,
    fingerprint    bytea       NOT NULL,
    positions      bigint[]    NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (subject, key)
);

-- The relay's published cursor; the log itself is the outbox (docs/adr/0001).
CREATE TABLE ledger.relay_state (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);
INSERT INTO ledger.relay_state VALUES (true, 0, now());

CREATE FUNCTION ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'govledger: ledger.% is append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'raise_exception';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ledger.events
    FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ledger.events
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

-- The service runs as govledger_writer (SET ROLE on every connection): it may only read
-- and insert events. Migrations run as the connecting (owner) role.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'govledger_writer') THEN
        CREATE ROLE govledger_writer NOLOGIN;
    END IF;
END
$$;
GRANT govledger_writer TO CURRENT_USER;
GRANT USAGE ON SCHEMA ledger TO govledger_writer;
REVOKE ALL ON ledger.events FROM govledger_writer;
GRANT SELECT, INSERT ON ledger.events TO govledger_writer;
GRANT SELECT, UPDATE ON ledger.head TO govledger_writer;
GRANT SELECT, INSERT ON ledger.idempotency TO govledger_writer;
GRANT SELECT, UPDATE ON ledger.relay_state TO govledger_writer;
