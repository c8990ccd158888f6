-- The group commit's fast path: one statement, one round trip, its own transaction.
-- The caller planned the batch against the head it last saw and the versions the requests
-- expect; this function takes the head lock, and writes only if all of that still holds.
-- Otherwise it writes nothing and answers 'stale' or 'conflict', and the caller falls back
-- to the locked read-then-write path, which sorts out each request on its own.
-- (PL/pgSQL statements each take a fresh snapshot under READ COMMITTED, so the checks after
-- the lock see every append committed before the lock was granted.)
CREATE FUNCTION ledger.append_if_current(
    p_head bigint, p_new_head bigint, p_new_hash bytea,
    p_check_streams text[], p_check_versions integer[],
    p_position bigint[], p_event_id uuid[], p_stream_id text[], p_stream_version integer[],
    p_type text[], p_occurred_at timestamptz[], p_recorded_at timestamptz[],
    p_actor_id text[], p_actor_role text[], p_reason text[], p_correlation_id text[],
    p_causation_id text[], p_payload jsonb[], p_prev_hash bytea[], p_hash bytea[],
    p_idem_subject text[], p_idem_key text[], p_idem_fingerprint bytea[],
    p_idem_positions text[], p_idem_created timestamptz
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    current_position bigint;
BEGIN
    SELECT position INTO current_position FROM ledger.head FOR UPDATE;
    IF current_position <> p_head THEN
        RETURN 'stale';
    END IF;
    IF EXISTS (
        SELECT 1 FROM unnest(p_check_streams, p_check_versions) AS c(stream_id, expected)
        WHERE c.expected <> coalesce(
            (SELECT max(e.stream_version) FROM ledger.events e WHERE e.stream_id = c.stream_id), 0)
    ) OR EXISTS (
        SELECT 1 FROM unnest(p_idem_subject, p_idem_key) AS k(subject, key)
        JOIN ledger.idempotency i ON i.subject = k.subject AND i.key = k.key
    ) THEN
        RETURN 'conflict';
    END IF;
    INSERT INTO ledger.events (position, event_id, stream_id, stream_version, type, occurred_at,
                               recorded_at, actor_id, actor_role, reason, correlation_id,
                               causation_id, payload, prev_hash, hash)
    SELECT * FROM unnest(p_position, p_event_id, p_stream_id, p_stream_version, p_type,
                         p_occurred_at, p_recorded_at, p_actor_id, p_actor_role, p_reason,
                         p_correlation_id, p_causation_id, p_payload, p_prev_hash, p_hash);
    INSERT INTO ledger.idempotency (subject, key, fingerprint, positions, created_at)
    SELECT k.subject, k.key, k.fingerprint, string_to_array(k.positions, ',')::bigint[],
           p_idem_created
    FROM unnest(p_idem_subject, p_idem_key, p_idem_fingerprint, p_idem_positions)
        AS k(subject, key, fingerprint, positions);
    UPDATE ledger.head SET position = p_new_head, hash = p_new_hash;
    PERFORM pg_notify('govledger_appended', p_new_head::text);
    RETURN 'ok';
END
$$;
GRANT EXECUTE ON FUNCTION ledger.append_if_current TO govledger_writer;
