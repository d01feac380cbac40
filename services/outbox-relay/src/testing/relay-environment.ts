import type { TestContext } from 'node:test';
import type { Kafka } from 'kafkajs';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database.js';
import { createEventTopics, deleteEventTopics, randomTopicPrefix, testKafka } from './kafka-test-kit.js';

export type RelayEnvironment = Readonly<{
  db: IsolatedDatabase;
  kafka: Kafka;
  prefix: string;
  /** Registers a cleanup; cleanups run newest first, before the database is dropped. */
  defer: (cleanup: () => Promise<unknown>) => void;
}>;

/** A database and topics of the test's own, removed when the test ends. */
export async function relayEnvironment(t: TestContext): Promise<RelayEnvironment> {
  const db = await createIsolatedDatabase();
  const kafka = testKafka();
  const prefix = randomTopicPrefix();
  const cleanups: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await deleteEventTopics(kafka, prefix);
    await db.drop();
  });
  await createEventTopics(kafka, prefix);
  return { db, kafka, prefix, defer: (cleanup) => void cleanups.push(cleanup) };
}
