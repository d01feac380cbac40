-- Up Migration

-- Outbox rows the relay can never publish as they are: an event type without a schema,
-- data its schema rejects, a stream type without a topic, a stored schema version with no
-- upcaster. Parking them keeps the partition flowing; the event itself stays in `events`.
-- A parked event is a bug to fix, then re-publish:
--   INSERT INTO outbox (global_position, stream_id)
--     SELECT global_position, stream_id FROM outbox_parked WHERE outbox_id = ANY(...) ORDER BY outbox_id;
--   DELETE FROM outbox_parked WHERE outbox_id = ANY(...);
-- Its aggregate's later events were published without it, so per-aggregate order on Kafka
-- is broken for that one event only.
CREATE TABLE outbox_parked (
  outbox_id bigint PRIMARY KEY,
  global_position bigint NOT NULL,
  stream_id text NOT NULL,
  partition smallint NOT NULL,
  created_at timestamptz NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  reason text NOT NULL,
  error text NOT NULL
);

CREATE INDEX outbox_parked_stream_idx ON outbox_parked (stream_id, global_position);
