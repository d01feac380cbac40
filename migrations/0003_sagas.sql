-- Up Migration

-- One row per saga instance. `data` is the decider's whole state; the other columns are
-- copies of parts of it the orchestrator queries (status, step, deadline) or that only the
-- dispatcher writes (last error, attempts). Every change to a saga happens in one
-- transaction with its history rows, its pending commands and the consumer's dedupe row.
CREATE TABLE saga_instances (
  saga_id uuid PRIMARY KEY,
  saga_type text NOT NULL,
  order_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED')),
  current_step text,
  data jsonb NOT NULL,
  compensation_log jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- the durable step timeout; the deadline timer fires rows whose time has come
  next_deadline timestamptz,
  deadline_step text,
  correlation_id text NOT NULL,
  -- the last transient failure of the current step's command and how often it was tried;
  -- cleared whenever the saga moves on
  last_error text,
  last_error_at timestamptz,
  attempts int NOT NULL DEFAULT 0,
  -- number of history rows: the next one gets version + 1
  version int NOT NULL CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- last change of state, not last retry: "stuck for N seconds" is measured from here
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- a redelivered or re-published OrderCreated never starts a second saga for the order
  CONSTRAINT saga_instances_order_key UNIQUE (saga_type, order_id)
);

CREATE INDEX saga_instances_deadline_idx ON saga_instances (next_deadline) WHERE next_deadline IS NOT NULL;
CREATE INDEX saga_instances_active_idx ON saga_instances (status, updated_at) WHERE status IN ('RUNNING', 'COMPENSATING');
CREATE INDEX saga_instances_created_idx ON saga_instances (created_at DESC);

-- The saga's own events, in order: the step history an operator reads.
CREATE TABLE saga_steps (
  saga_id uuid NOT NULL REFERENCES saga_instances (saga_id) ON DELETE CASCADE,
  seq int NOT NULL CHECK (seq > 0),
  event_type text NOT NULL,
  step text,
  data jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (saga_id, seq)
);

-- Commands waiting to be sent (an outbox). Written with the state change that decided
-- them and sent only after it commits; a crashed orchestrator resends what is still
-- PENDING, which is safe because the command id is the command service's idempotency key.
CREATE TABLE saga_commands (
  command_id text PRIMARY KEY,
  saga_id uuid NOT NULL REFERENCES saga_instances (saga_id) ON DELETE CASCADE,
  command_type text NOT NULL,
  step text NOT NULL,
  payload jsonb NOT NULL,
  -- compensations are retried until they succeed; forward commands within a budget
  compensation boolean NOT NULL,
  -- W3C trace context of the event that led to the command, passed on as gRPC metadata
  traceparent text,
  tracestate text,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'CANCELLED')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  -- also the lease of a claimed command: a dispatcher that dies mid-call leaves it due again
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);

CREATE INDEX saga_commands_due_idx ON saga_commands (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX saga_commands_saga_idx ON saga_commands (saga_id);

-- Kafka delivers at least once: each consumer records the events it applied, in the
-- transaction of their effect, so a redelivered event changes nothing.
CREATE TABLE saga_processed_events (
  consumer text NOT NULL,
  event_id text NOT NULL,
  stream_id text,
  stream_version int,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- lets a retention job drop old dedupe rows without a sequential scan
CREATE INDEX saga_processed_events_processed_at_idx ON saga_processed_events (processed_at);
