import type { RecordedEvent } from '@orderflow/contracts';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import { createMetricsRegistry, createLogger } from '@orderflow/platform';
import { createRelayMetrics } from '../relay/relay-metrics.js';

export const silentLogger = createLogger('outbox-relay-test', 'silent');

/** Fresh metrics per test: prom-client refuses a second metric of one name in a registry. */
export const testMetrics = () => createRelayMetrics(createMetricsRegistry('outbox-relay-test'));

/** A stored OrderCreated with every metadata field set. */
export function recordedOrderCreated(overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  const fixture = eventFixtures.OrderCreated;
  return {
    type: fixture.type,
    data: fixture.data,
    eventId: '7b0b5c9e-8f5e-4a52-9d0e-0c3b7f1f2a11',
    streamId: `order-${fixture.data.orderId}`,
    streamType: 'Order',
    streamVersion: 3,
    globalPosition: 9_007_199_254_740_993n,
    schemaVersion: 1,
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
    },
    recordedAt: new Date('2025-03-01T10:15:30.123Z'),
    ...overrides,
  };
}
