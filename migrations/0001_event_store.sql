-- Up Migration

-- The global log. Every append writes here, the outbox and (optionally) the idempotency
-- key in one transaction, through append_events below.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Readers of the global log order by (transaction_id, global_position) and stop below
  -- the oldest running transaction, so a position taken early but committed late is
  -- never skipped.
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_type text NOT NULL,
  stream_version int NOT NULL CHECK (stream_version > 0),
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  schema_version int NOT NULL CHECK (schema_version > 0),
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- The optimistic-concurrency guard of last resort; the adapter maps this constraint
  -- name to a ConcurrencyError.
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);

CREATE INDEX events_commit_order_idx ON events (transaction_id, global_position);

-- One row per stream holding its current version. Appends lock and advance this row
-- instead of probing max(stream_version): writers to one stream queue on the row lock,
-- a stale expected version is a plain "no row updated" (no unique violation, no
-- subtransaction, no burnt identity values), "any" never fails spuriously, and the
-- current version is a primary-key lookup.
CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  stream_type text NOT NULL,
  version int NOT NULL CHECK (version > 0)
);

-- Fixed number of outbox partitions; the relay holds one advisory lock per partition,
-- so all events of a stream are published by one relay in order. Changing the count
-- needs a new migration and a drained outbox. md5 rather than hashtext: its value is
-- fixed across PostgreSQL versions.
CREATE FUNCTION outbox_partition(p_stream_id text) RETURNS smallint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT (('x' || substr(md5(p_stream_id), 1, 8))::bit(32)::int & 15)::smallint $$;

CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  global_position bigint NOT NULL,
  stream_id text NOT NULL,
  partition smallint NOT NULL GENERATED ALWAYS AS (outbox_partition(stream_id)) STORED,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX outbox_partition_id_idx ON outbox (partition, id);

CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  response jsonb,
  -- null for a multi-stream append
  stream_id text,
  stream_version int,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- lets a retention job delete old keys without a sequential scan
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

CREATE TABLE snapshots (
  stream_id text PRIMARY KEY,
  stream_version int NOT NULL CHECK (stream_version > 0),
  snapshot_key text NOT NULL,
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The stored outcome of an idempotency key, or no row. A different request hash is a
-- 'mismatch' and never reveals the stored response.
CREATE FUNCTION idempotent_replay(p_key text, p_request_hash text)
RETURNS TABLE (status text, stream_version int, global_positions bigint[], response jsonb)
LANGUAGE sql VOLATILE
AS $$
  SELECT CASE WHEN k.request_hash = p_request_hash THEN 'duplicate' ELSE 'mismatch' END,
         k.stream_version,
         NULL::bigint[],
         CASE WHEN k.request_hash = p_request_hash THEN k.response END
  FROM idempotency_keys k
  WHERE k.key = p_key
$$;

-- Appends events to one stream in a single statement (one round trip).
-- p_expected_version: the exact current version, 0 or -1 for "the stream must not
-- exist", NULL for "any". Returns one row:
--   appended  - stream_version is the new version, global_positions the new positions
--   conflict  - stream_version is the actual version; nothing was written
--   duplicate - the key was used with the same request hash; response is the stored one
--   mismatch  - the key was used with a different request hash; nothing was written
-- A concurrent writer of the same key that commits first makes the key insert raise
-- unique_violation on idempotency_keys_pkey; the adapter reports that as a duplicate.
CREATE FUNCTION append_events(
  p_stream_id text,
  p_stream_type text,
  p_expected_version int,
  p_event_ids uuid[],
  p_event_types text[],
  p_schema_versions int[],
  p_data jsonb[],
  p_metadata jsonb[],
  p_idempotency_key text DEFAULT NULL,
  p_request_hash text DEFAULT NULL,
  p_response jsonb DEFAULT NULL
)
RETURNS TABLE (status text, stream_version int, global_positions bigint[], response jsonb)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
  v_count int := coalesce(cardinality(p_event_ids), 0);
  v_new int;
  v_positions bigint[];
BEGIN
  IF v_count = 0
     OR coalesce(cardinality(p_event_types), -1) <> v_count
     OR coalesce(cardinality(p_schema_versions), -1) <> v_count
     OR coalesce(cardinality(p_data), -1) <> v_count
     OR coalesce(cardinality(p_metadata), -1) <> v_count THEN
    RAISE EXCEPTION 'append_events needs at least one event and one id, type, schema version, data and metadata per event'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- A replay answers from the stored outcome even if the stream has moved on since.
  IF p_idempotency_key IS NOT NULL THEN
    RETURN QUERY SELECT * FROM idempotent_replay(p_idempotency_key, p_request_hash);
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;

  -- The row lock taken here is held until commit: writers to one stream are serialised,
  -- and a waiter re-evaluates the version check against the winner's committed row.
  IF p_expected_version IS NULL THEN
    INSERT INTO streams AS s (stream_id, stream_type, version)
    VALUES (p_stream_id, p_stream_type, v_count)
    ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count
    RETURNING s.version INTO v_new;
  ELSIF p_expected_version <= 0 THEN
    INSERT INTO streams AS s (stream_id, stream_type, version)
    VALUES (p_stream_id, p_stream_type, v_count)
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING s.version INTO v_new;
  ELSE
    UPDATE streams AS s SET version = s.version + v_count
    WHERE s.stream_id = p_stream_id AND s.version = p_expected_version
    RETURNING s.version INTO v_new;
  END IF;

  IF v_new IS NULL THEN
    -- The winner of a race on the same key moved the stream: that is a replay, not a conflict.
    IF p_idempotency_key IS NOT NULL THEN
      RETURN QUERY SELECT * FROM idempotent_replay(p_idempotency_key, p_request_hash);
      IF FOUND THEN
        RETURN;
      END IF;
    END IF;
    RETURN QUERY
      SELECT 'conflict'::text,
             coalesce((SELECT s.version FROM streams s WHERE s.stream_id = p_stream_id), 0),
             NULL::bigint[],
             NULL::jsonb;
    RETURN;
  END IF;

  IF p_idempotency_key IS NOT NULL THEN
    INSERT INTO idempotency_keys AS k (key, request_hash, response, stream_id, stream_version)
    VALUES (p_idempotency_key, p_request_hash, p_response, p_stream_id, v_new);
  END IF;

  -- Identity values follow ORDINALITY, so positions and outbox ids follow stream versions.
  WITH inserted AS (
    INSERT INTO events AS ev
      (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
    SELECT p_stream_id, p_stream_type, v_new - v_count + e.ord::int,
           e.event_id, e.event_type, e.schema_version, e.data, e.metadata
    FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata)
         WITH ORDINALITY AS e (event_id, event_type, schema_version, data, metadata, ord)
    ORDER BY e.ord
    RETURNING ev.global_position
  ), queued AS (
    INSERT INTO outbox (global_position, stream_id)
    SELECT i.global_position, p_stream_id FROM inserted i ORDER BY i.global_position
  )
  SELECT array_agg(i.global_position ORDER BY i.global_position) INTO v_positions FROM inserted i;

  -- Delivered at commit only, so the relay never wakes up for rows it cannot see yet.
  PERFORM pg_notify('outbox', outbox_partition(p_stream_id)::text);

  RETURN QUERY SELECT 'appended'::text, v_new, v_positions, p_response;
END
$$;
