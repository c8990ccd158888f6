-- The group commit's fast path, pipelined: one statement, one round trip, its own transaction.
--
-- Like append_if_current (migration 003, kept for processes of the previous release during a
-- rolling upgrade) the caller planned the batch against a head it predicts and the versions
-- the requests expect; this function takes the head lock and writes only if all of that still
-- holds. Two differences:
--   * the predicted head is checked by position AND hash. A writer now plans batch N+1 on
--     top of batch N before N's answer is back; if N fell back and was re-planned, a head at
--     the same position could carry another hash, and N+1 must not chain onto it.
--   * the batch travels as three JSON documents (envelopes as the contracts encode them), so
--     the client encodes them in one C call instead of fifteen typed arrays, and the server
--     does the unpacking (on another core, beside the client).
-- On a failed check it writes nothing and answers 'behind' (the head has not reached the
-- predicted one), 'stale' or 'conflict'; the caller falls back to the locked path. (PL/pgSQL statements each take a fresh snapshot
-- under READ COMMITTED, so the checks after the lock see every append committed before it.)
CREATE FUNCTION ledger.append_batch(
    p_head bigint, p_head_hash bytea, p_new_head bigint, p_new_hash bytea,
    p_checks jsonb,       -- {"stream_id": expected_version, ...}
    p_events jsonb,       -- [Envelope, ...] in position order
    p_idempotency jsonb,  -- [{"subject", "key", "fingerprint" (hex), "positions"}, ...]
    p_created timestamptz
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    current_position bigint;
    current_hash bytea;
BEGIN
    SELECT position, hash INTO current_position, current_hash FROM ledger.head FOR UPDATE;
    IF current_position < p_head THEN
        RETURN 'behind';  -- the batch planned before this one has not committed (yet)
    END IF;
    IF current_position <> p_head OR current_hash <> p_head_hash THEN
        RETURN 'stale';
    END IF;
    IF EXISTS (
        SELECT 1 FROM jsonb_each_text(p_checks) AS c(stream_id, expected)
        WHERE c.expected::integer <> coalesce(
            (SELECT max(e.stream_version) FROM ledger.events e WHERE e.stream_id = c.stream_id), 0)
    ) OR EXISTS (
        SELECT 1 FROM jsonb_to_recordset(p_idempotency) AS k(subject text, key text)
        JOIN ledger.idempotency i ON i.subject = k.subject AND i.key = k.key
    ) THEN
        RETURN 'conflict';
    END IF;
    INSERT INTO ledger.events (position, event_id, stream_id, stream_version, type, occurred_at,
                               recorded_at, actor_id, actor_role, reason, correlation_id,
                               causation_id, payload, prev_hash, hash)
    SELECT e.position, e.event_id, e.stream_id, e.stream_version, e.type, e.occurred_at,
           e.recorded_at, e.actor->>'id', e.actor->>'role', e.reason, e.correlation_id,
           e.causation_id, e.payload, decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
    FROM jsonb_to_recordset(p_events) AS e(
        position bigint, event_id uuid, stream_id text, stream_version integer, type text,
        occurred_at timestamptz, recorded_at timestamptz, actor jsonb, reason text,
        correlation_id text, causation_id text, payload jsonb, prev_hash text, hash text)
    ORDER BY e.position;
    INSERT INTO ledger.idempotency (subject, key, fingerprint, positions, created_at)
    SELECT k.subject, k.key, decode(k.fingerprint, 'hex'), k.positions, p_created
    FROM jsonb_to_recordset(p_idempotency)
        AS k(subject text, key text, fingerprint text, positions bigint[]);
    UPDATE ledger.head SET position = p_new_head, hash = p_new_hash;
    PERFORM pg_notify('govledger_appended', p_new_head::text);
    RETURN 'ok';
END
$$;
GRANT EXECUTE ON FUNCTION ledger.append_batch TO govledger_writer;
