import { Kafka, logLevel, type Admin, type Consumer, type ConsumerConfig, type LogEntry } from 'kafkajs';

type ConsumerRetry = NonNullable<ConsumerConfig['retry']>;
import type { Logger } from 'pino';

export { Kafka };

const toPinoLevel = (level: logLevel): 'error' | 'warn' | 'info' | 'debug' => {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
};

/** A kafkajs client whose logs go through pino. */
export function createKafka(opts: { clientId: string; brokers: readonly string[]; logger: Logger }): Kafka {
  const log = opts.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[toPinoLevel(level)]({ namespace, ...rest }, message);
      },
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** Ready when the cluster answers a metadata request. */
export const kafkaCheck = (admin: Admin) => ({
  name: 'kafka',
  check: async () => {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers');
  },
});

/**
 * Stops a consumer for good. kafkajs restarts a crashed consumer on a timer, and a crash
 * that races with `disconnect()` (a join or fetch failing because the consumer is leaving)
 * schedules that restart after the disconnect has finished: the consumer comes back,
 * rejoins its group and keeps the process alive. Give `retry` to the consumer and stop it
 * through `disconnect`: once stopping, no crash restarts it.
 */
export function consumerStopGuard(retries = 5): Readonly<{ retry: ConsumerRetry; disconnect: (consumer: Consumer) => Promise<void> }> {
  let stopping = false;
  return {
    retry: { retries, restartOnFailure: async () => !stopping },
    async disconnect(consumer) {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
