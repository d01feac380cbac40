import { KafkaHeaders } from '@orderflow/contracts';

export type KeyedMessage = Readonly<{
  topic: string;
  partition: number;
  offset: bigint;
  key: string;
  headers: Readonly<Record<string, string>>;
}>;

/**
 * Per-aggregate order as a consumer sees it: per key, in offset order, each message is
 * the next stream version or (when `allowRepeats`) an exact repeat of a version already
 * seen, same event id. Every key must end at its expected version. Returns problems.
 */
export function orderProblems(
  messages: readonly KeyedMessage[],
  expected: ReadonlyMap<string, number>,
  { allowRepeats }: { allowRepeats: boolean },
): string[] {
  const sorted = [...messages].sort((a, b) =>
    a.topic !== b.topic ? (a.topic < b.topic ? -1 : 1) : a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0),
  );
  const seen = new Map<string, string[]>();
  const problems: string[] = [];
  for (const m of sorted) {
    const version = Number(m.headers[KafkaHeaders.streamVersion]);
    const eventId = m.headers[KafkaHeaders.eventId] ?? '';
    const ids = seen.get(m.key) ?? [];
    seen.set(m.key, ids);
    if (version === ids.length + 1) ids.push(eventId);
    else if (allowRepeats && version >= 1 && version <= ids.length && ids[version - 1] === eventId) continue;
    else problems.push(`${m.key}: got version ${version} after ${ids.length}`);
  }
  for (const [key, count] of expected) {
    const got = seen.get(key)?.length ?? 0;
    if (got !== count) problems.push(`${key}: reached version ${got}, expected ${count}`);
  }
  for (const key of seen.keys()) if (!expected.has(key)) problems.push(`${key}: unexpected key`);
  return problems;
}

/** Messages that repeat a version already published (at-least-once redeliveries). */
export function repeatCount(messages: readonly KeyedMessage[]): number {
  const unique = new Set(messages.map((m) => `${m.key}@${m.headers[KafkaHeaders.streamVersion]}`));
  return messages.length - unique.size;
}
