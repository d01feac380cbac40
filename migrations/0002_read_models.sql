-- Up Migration

-- Read models written by the projection service (services/projection) and read by the
-- query service. Every value is derived from events alone, so a rebuild from the event
-- store reproduces the same rows whatever order the topics were consumed in. The
-- projection writes each batch, its dedupe versions and its NOTIFYs in one transaction.
--
-- A rebuild fills `rebuild_<table>` copies (CREATE TABLE ... LIKE ... INCLUDING ALL) and
-- swaps them in by renaming, in one transaction: readers see the old model or the new
-- one, never a half-built one. Keep read-model tables free of dependent views and
-- foreign keys, or the swap cannot drop the retired copy.

-- Monotonic across rebuilds: the Redis detail cache compares on it, so a write computed
-- from an older row (or from the table a rebuild replaced) never overwrites a newer one.
CREATE SEQUENCE read_model_revision_seq;

-- The full-text document of an order: its id, its customer and its product ids, parsed
-- with the `simple` configuration (no stemming, no stop words: ids are not English).
-- Query with `search @@ websearch_to_tsquery('simple', $1)` (or plainto_tsquery).
CREATE FUNCTION order_search_vector(p_order_id text, p_customer_id text, p_items jsonb) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT to_tsvector('simple', concat_ws(' ', p_order_id, p_customer_id,
    (SELECT string_agg(item ->> 'productId', ' ') FROM jsonb_array_elements(coalesce(p_items, '[]'::jsonb)) AS item)))
$$;

CREATE TABLE order_views (
  order_id text PRIMARY KEY,
  customer_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'CONFIRMED', 'SHIPPED', 'CANCELLED')),
  currency text,
  -- minor units of `currency`
  total_amount bigint,
  -- units ordered: the sum of the lines' quantities
  item_count int,
  -- [{productId, quantity, unitPrice, lineTotal}], in the order the lines were added
  items jsonb NOT NULL DEFAULT '[]'::jsonb,
  shipping_address jsonb,
  -- {paymentId, status: AUTHORIZED|DECLINED|CAPTURED|VOIDED|REFUNDED, amount} or null
  payment jsonb,
  -- {shipmentId, carrier, trackingNumber} or null; carrier is null until the shipment's own events arrive
  shipment jsonb,
  cancellation_reason text,
  -- the Order stream version applied; command responses return the same number
  version int NOT NULL,
  -- the events' occurredAt: created_at of OrderCreated, updated_at the latest applied
  created_at timestamptz,
  updated_at timestamptz,
  search tsvector GENERATED ALWAYS AS (order_search_vector(order_id, customer_id, items)) STORED,
  -- projection bookkeeping, not part of the API: the payment and shipment the order's
  -- own events named, and the tracking number OrderShipped carried
  payment_id text,
  shipment_id text,
  shipped_tracking_number text,
  revision bigint NOT NULL DEFAULT nextval('read_model_revision_seq')
);

CREATE INDEX order_views_customer_created_idx ON order_views (customer_id, created_at DESC);
CREATE INDEX order_views_status_created_idx ON order_views (status, created_at DESC);
CREATE INDEX order_views_created_idx ON order_views (created_at DESC);
CREATE INDEX order_views_search_idx ON order_views USING gin (search);

-- Payment and shipment streams are separate topics, so their events may be consumed
-- before the order's own. Their facts are kept here per payment / shipment and folded
-- into order_views.payment / .shipment whenever either side changes.
CREATE TABLE order_view_payments (
  payment_id text PRIMARY KEY,
  order_id text NOT NULL,
  status text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  occurred_at timestamptz NOT NULL
);

CREATE INDEX order_view_payments_order_idx ON order_view_payments (order_id);

CREATE TABLE order_view_shipments (
  shipment_id text PRIMARY KEY,
  order_id text NOT NULL,
  status text NOT NULL,
  carrier text,
  tracking_number text,
  occurred_at timestamptz NOT NULL
);

CREATE INDEX order_view_shipments_order_idx ON order_view_shipments (order_id);

-- order_count: orders created; total_spent: money captured for them (PaymentProcessed),
-- in minor units; last_order_at: the latest order's creation.
CREATE TABLE customer_order_summaries (
  customer_id text NOT NULL,
  currency text NOT NULL,
  order_count int NOT NULL DEFAULT 0,
  total_spent bigint NOT NULL DEFAULT 0,
  last_order_at timestamptz,
  PRIMARY KEY (customer_id, currency)
);

-- available / reserved units per product; `version` is the Inventory stream version.
-- The domain has no event that consumes a reservation when an order ships, so
-- `reserved` falls only on InventoryReleased.
CREATE TABLE inventory_views (
  product_id text PRIMARY KEY,
  available int NOT NULL,
  reserved int NOT NULL,
  version int NOT NULL,
  updated_at timestamptz
);

-- `day` is the UTC day an order was created; `orders` and `revenue` (the orders' totals,
-- following later item changes) count on that day, `cancellations` on the day each
-- cancellation happened.
CREATE TABLE daily_sales (
  day date NOT NULL,
  currency text NOT NULL,
  orders int NOT NULL DEFAULT 0,
  revenue bigint NOT NULL DEFAULT 0,
  cancellations int NOT NULL DEFAULT 0,
  PRIMARY KEY (day, currency)
);

-- Dedupe: the last stream version each projection applied, written in the same
-- transaction as the effect. An event at or below it is a redelivery and is skipped.
CREATE TABLE projection_stream_versions (
  projection text NOT NULL,
  stream_id text NOT NULL,
  version int NOT NULL,
  PRIMARY KEY (projection, stream_id)
);

-- An aggregate whose event could not be applied (poison message, or a missing earlier
-- version). Its later events are stored in projection_parked_events instead of being
-- applied, until an operator retries it; other aggregates keep flowing. Not swapped by
-- a rebuild: parking is about what arrived from Kafka.
CREATE TABLE projection_parked_streams (
  projection text NOT NULL,
  stream_id text NOT NULL,
  reason text NOT NULL,
  error text,
  source_topic text,
  source_partition int,
  source_offset bigint,
  parked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, stream_id)
);

CREATE TABLE projection_parked_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  projection text NOT NULL,
  stream_id text NOT NULL,
  -- from the message's stream-version header; null when it had none
  stream_version int,
  topic text NOT NULL,
  partition int NOT NULL,
  kafka_offset bigint NOT NULL,
  message_key bytea,
  message_value bytea,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text,
  parked_at timestamptz NOT NULL DEFAULT now(),
  -- a redelivered message is stored once
  UNIQUE (projection, topic, partition, kafka_offset)
);

CREATE INDEX projection_parked_events_stream_idx ON projection_parked_events (projection, stream_id, stream_version);
