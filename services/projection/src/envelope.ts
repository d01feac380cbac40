import type { RecordedEvent } from '@orderflow/contracts';

/** Where a message came from: enough to park it, dead-letter it and commit past it. */
export type KafkaSource = Readonly<{
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Readonly<Record<string, string>>;
}>;

/**
 * An event on its way into the read models. The event may be of a type no projection
 * interprets (a newer producer): it still advances its stream's version, or the next
 * event would look like a gap.
 */
export type Envelope = Readonly<{ event: RecordedEvent; source?: KafkaSource }>;
