-- Up Migration

-- append_batch looks up each append's idempotency key with one primary-key probe.
--
-- As 0006 wrote it, the lookup was a plain join, and PL/pgSQL keeps the statement's plan
-- for the life of the connection. Planned while idempotency_keys is empty or tiny (a new
-- database, or right after it was emptied), the join became a hash join over a full scan
-- of the table, so every group commit read the whole table, and appends slowed down as it
-- grew until an ANALYZE made the connection plan again (about 1.9 ms per statement of 7
-- appends with a planned index probe; 2.6 ms growing to 4.2 ms over the first 12,600 keys
-- with the plan of an empty table). A LATERAL subquery with LIMIT is planned per append,
-- and there an index probe is the cheaper plan at any table size. Nothing else changes.
CREATE OR REPLACE FUNCTION append_batch(
  p_stream_ids text[],
  p_stream_types text[],
  p_expected_versions int[],
  p_event_counts int[],
  p_event_ids uuid[],
  p_event_types text[],
  p_schema_versions int[],
  p_data jsonb[],
  p_metadata jsonb[],
  p_idempotency_keys text[],
  p_request_hashes text[],
  p_responses jsonb[]
)
RETURNS TABLE (ord int, status text, stream_version int, global_positions bigint[], response jsonb)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
  v_appends int := coalesce(cardinality(p_stream_ids), 0);
  v_from int := 1;
  v_to int;
  v_row record;
  v_replay record;
BEGIN
  IF v_appends = 0
     OR coalesce(cardinality(p_stream_types), -1) <> v_appends
     OR coalesce(cardinality(p_expected_versions), -1) <> v_appends
     OR coalesce(cardinality(p_event_counts), -1) <> v_appends
     OR coalesce(cardinality(p_idempotency_keys), -1) <> v_appends
     OR coalesce(cardinality(p_request_hashes), -1) <> v_appends
     OR coalesce(cardinality(p_responses), -1) <> v_appends
     OR coalesce(cardinality(p_event_types), -1) <> coalesce(cardinality(p_event_ids), 0)
     OR coalesce(cardinality(p_schema_versions), -1) <> coalesce(cardinality(p_event_ids), 0)
     OR coalesce(cardinality(p_data), -1) <> coalesce(cardinality(p_event_ids), 0)
     OR coalesce(cardinality(p_metadata), -1) <> coalesce(cardinality(p_event_ids), 0)
     OR (SELECT sum(c) FROM unnest(p_event_counts) AS c) <> coalesce(cardinality(p_event_ids), 0)
     OR EXISTS (SELECT 1 FROM unnest(p_event_counts) AS c WHERE c IS NULL OR c < 1) THEN
    RAISE EXCEPTION 'append_batch needs, per append, a stream, a type, an expected version, a key, a hash, a response and at least one event'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  IF (SELECT count(DISTINCT s) FROM unnest(p_stream_ids) AS s) < v_appends
     OR (SELECT count(DISTINCT k) <> count(k) FROM unnest(p_idempotency_keys) AS k) THEN
    FOR i IN 1 .. v_appends LOOP
      v_to := v_from + p_event_counts[i] - 1;
      RETURN QUERY
        SELECT i, r.status, r.stream_version, r.global_positions, r.response
        FROM append_events(p_stream_ids[i], p_stream_types[i], p_expected_versions[i],
                           p_event_ids[v_from:v_to], p_event_types[v_from:v_to], p_schema_versions[v_from:v_to],
                           p_data[v_from:v_to], p_metadata[v_from:v_to],
                           p_idempotency_keys[i], p_request_hashes[i], p_responses[i]) AS r;
      v_from := v_to + 1;
    END LOOP;
    RETURN;
  END IF;

  FOR v_row IN
    WITH input AS (
      SELECT a.ord::int AS ord, a.stream_id, a.stream_type, a.expected, a.n, a.key, a.hash, a.response,
             (sum(a.n) OVER (ORDER BY a.ord) - a.n)::int AS offs
      FROM unnest(p_stream_ids, p_stream_types, p_expected_versions, p_event_counts,
                  p_idempotency_keys, p_request_hashes, p_responses)
           WITH ORDINALITY AS a (stream_id, stream_type, expected, n, key, hash, response, ord)
    ), known AS (
      -- one primary-key probe per append, whatever the statistics say (see the header)
      SELECT i.ord, k.request_hash = i.hash AS same_request, k.stream_version, k.response
      FROM input i
      CROSS JOIN LATERAL (
        SELECT kk.request_hash, kk.stream_version, kk.response FROM idempotency_keys kk WHERE kk.key = i.key LIMIT 1
      ) AS k
    ), todo AS (
      SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.ord = i.ord)
    ), moved_any AS (
      INSERT INTO streams AS s (stream_id, stream_type, version)
      SELECT t.stream_id, t.stream_type, t.n FROM todo t WHERE t.expected IS NULL ORDER BY t.stream_id
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version
      RETURNING s.stream_id, s.version
    ), created AS (
      INSERT INTO streams AS s (stream_id, stream_type, version)
      SELECT t.stream_id, t.stream_type, t.n FROM todo t WHERE t.expected <= 0 ORDER BY t.stream_id
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING s.stream_id, s.version
    ), advanced AS (
      UPDATE streams AS s SET version = s.version + t.n
      FROM (SELECT * FROM todo t WHERE t.expected > 0 ORDER BY t.stream_id) AS t
      WHERE s.stream_id = t.stream_id AND s.version = t.expected
      RETURNING s.stream_id, s.version
    ), appended AS (
      SELECT t.*, m.version AS new_version
      FROM todo t
      JOIN (SELECT * FROM moved_any UNION ALL SELECT * FROM created UNION ALL SELECT * FROM advanced) AS m
        ON m.stream_id = t.stream_id
    ), inserted AS (
      -- identity values follow the ORDER BY, so positions and outbox ids follow versions
      INSERT INTO events AS ev
        (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
      SELECT a.stream_id, a.stream_type, a.new_version - a.n + e.j,
             p_event_ids[a.offs + e.j], p_event_types[a.offs + e.j], p_schema_versions[a.offs + e.j],
             p_data[a.offs + e.j], p_metadata[a.offs + e.j]
      FROM appended a CROSS JOIN LATERAL generate_series(1, a.n) AS e (j)
      ORDER BY a.ord, e.j
      RETURNING ev.global_position, ev.stream_id
    ), queued AS (
      INSERT INTO outbox (global_position, stream_id)
      SELECT i.global_position, i.stream_id FROM inserted i ORDER BY i.global_position
    ), keyed AS (
      INSERT INTO idempotency_keys (key, request_hash, response, stream_id, stream_version)
      SELECT a.key, a.hash, a.response, a.stream_id, a.new_version FROM appended a WHERE a.key IS NOT NULL
    ), positions AS (
      SELECT i.stream_id, array_agg(i.global_position ORDER BY i.global_position) AS global_positions
      FROM inserted i GROUP BY i.stream_id
    )
    SELECT i.ord, i.stream_id, i.key, i.hash,
           CASE WHEN k.ord IS NOT NULL THEN CASE WHEN k.same_request THEN 'duplicate' ELSE 'mismatch' END
                WHEN a.ord IS NOT NULL THEN 'appended'
                ELSE 'conflict' END AS status,
           coalesce(k.stream_version, a.new_version) AS stream_version,
           p.global_positions,
           CASE WHEN k.same_request THEN k.response END AS response
    FROM input i
    LEFT JOIN known k ON k.ord = i.ord
    LEFT JOIN appended a ON a.ord = i.ord
    LEFT JOIN positions p ON a.ord IS NOT NULL AND p.stream_id = i.stream_id
    ORDER BY i.ord
  LOOP
    IF v_row.status = 'conflict' THEN
      -- separate statements: a fresh snapshot sees what the winner committed
      IF v_row.key IS NOT NULL THEN
        SELECT * INTO v_replay FROM idempotent_replay(v_row.key, v_row.hash);
        IF FOUND THEN
          RETURN QUERY SELECT v_row.ord, v_replay.status, v_replay.stream_version, NULL::bigint[], v_replay.response;
          CONTINUE;
        END IF;
      END IF;
      RETURN QUERY
        SELECT v_row.ord, 'conflict'::text,
               coalesce((SELECT s.version FROM streams s WHERE s.stream_id = v_row.stream_id), 0),
               NULL::bigint[], NULL::jsonb;
    ELSE
      RETURN QUERY SELECT v_row.ord, v_row.status, v_row.stream_version, v_row.global_positions, v_row.response;
    END IF;
  END LOOP;
END
$$;
