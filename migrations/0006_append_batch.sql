-- Up Migration

-- Group commit: several independent appends in one statement and one transaction, so
-- one commit (one WAL flush, one round trip) serves them all. Unlike append_to_streams
-- (all or nothing) each append keeps its own outcome: a stale expected version or a
-- known idempotency key answers that append alone ('conflict', 'duplicate', 'mismatch')
-- and the others still commit. Append i has p_event_counts[i] events, given append by
-- append in the order of p_stream_ids, and its own key, hash and response (NULL key: no
-- idempotency). Appends run in the order given, so two appends to one stream in a group
-- see each other like two consecutive single appends. The adapter orders a group by
-- stream id, so two groups lock the streams they share in the same order.
-- An error (a unique violation from a racing writer, a duplicate event id) rolls back
-- the whole group; the adapter then writes each append of it on its own.
CREATE FUNCTION append_batch(
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
BEGIN
  IF v_appends = 0
     OR coalesce(cardinality(p_stream_types), -1) <> v_appends
     OR coalesce(cardinality(p_expected_versions), -1) <> v_appends
     OR coalesce(cardinality(p_event_counts), -1) <> v_appends
     OR coalesce(cardinality(p_idempotency_keys), -1) <> v_appends
     OR coalesce(cardinality(p_request_hashes), -1) <> v_appends
     OR coalesce(cardinality(p_responses), -1) <> v_appends
     OR (SELECT sum(c) FROM unnest(p_event_counts) AS c) <> coalesce(cardinality(p_event_ids), 0)
     OR EXISTS (SELECT 1 FROM unnest(p_event_counts) AS c WHERE c IS NULL OR c < 1) THEN
    RAISE EXCEPTION 'append_batch needs, per append, a stream, a type, an expected version, a key, a hash, a response and at least one event'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

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
END
$$;
