import { pollUntil } from './poll.js';

/**
 * The saga orchestrator's admin API as the end-to-end tests read it
 * (services/saga-orchestrator/README.md, "Admin API and metrics").
 */
export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';

export type SagaSummary = Readonly<{
  sagaId: string;
  orderId: string;
  status: SagaStatus;
  currentStep: string | null;
  lastError: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}>;

export type SagaDetail = SagaSummary &
  Readonly<{
    paymentId: string;
    shipmentId: string;
    failure: Readonly<{ step: string; code: string; reason: string }> | null;
    completedSteps: readonly string[];
    compensationLog: readonly Readonly<{ step: string; status: string; commandId: string }>[];
    steps: readonly Readonly<{ seq: number; type: string; step: string | null; data: Record<string, unknown> }>[];
    commands: readonly Readonly<{ commandId: string; type: string; status: string; attempts: number; lastError: string | null }>[];
  }>;

export const isTerminal = (status: SagaStatus): boolean => status !== 'RUNNING' && status !== 'COMPENSATING';

/** The admin API lists at most this many sagas per call; a test that needs more must filter. */
const LIST_LIMIT = 500;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export function createSagaAdmin(baseUrl: string) {
  const list = async (query: Readonly<Record<string, string | number>> = {}): Promise<SagaSummary[]> => {
    const params = new URLSearchParams(Object.entries({ limit: LIST_LIMIT, ...query }).map(([k, v]): [string, string] => [k, String(v)]));
    const body = await getJson<{ items: SagaSummary[]; count: number }>(`${baseUrl}/api/v1/admin/sagas?${params}`);
    return body.items;
  };

  const ofOrder = async (orderId: string): Promise<SagaSummary | undefined> => (await list({ orderId }))[0];

  const detail = (sagaId: string): Promise<SagaDetail> => getJson<SagaDetail>(`${baseUrl}/api/v1/admin/sagas/${sagaId}`);

  /** Every saga in the test's own database, by order id. */
  const byOrder = async (): Promise<Map<string, SagaSummary>> => {
    const items = await list();
    if (items.length >= LIST_LIMIT) throw new Error(`more than ${LIST_LIMIT - 1} sagas: the admin list cannot show them all`);
    return new Map(items.map((s) => [s.orderId, s]));
  };

  /** Waits until every order's saga has ended and returns them; the error names the laggards. */
  const awaitTerminal = async (orderIds: readonly string[], timeoutMs: number): Promise<Map<string, SagaSummary>> => {
    let last = new Map<string, SagaSummary>();
    const pending = () => orderIds.filter((id) => { const s = last.get(id); return !s || !isTerminal(s.status); });
    return pollUntil(
      `${orderIds.length} sagas to end`,
      async () => {
        last = await byOrder();
        return pending().length === 0 ? last : undefined;
      },
      {
        timeoutMs,
        intervalMs: 300,
        describe: () => {
          const open = pending();
          const sample = open.slice(0, 5).map((id) => {
            const s = last.get(id);
            return s ? `${id}: ${s.status} at ${s.currentStep} (${s.lastError ?? 'no error'})` : `${id}: no saga`;
          });
          return `${open.length} still open, e.g. ${sample.join('; ')}`;
        },
      },
    );
  };

  const awaitStatus = (orderId: string, status: SagaStatus, timeoutMs: number): Promise<SagaSummary> => {
    let seen: SagaSummary | undefined;
    return pollUntil(
      `saga of order ${orderId} to be ${status}`,
      async () => {
        seen = await ofOrder(orderId);
        return seen?.status === status ? seen : undefined;
      },
      { timeoutMs, describe: () => `last seen: ${JSON.stringify(seen ?? null)}` },
    );
  };

  return { list, ofOrder, detail, byOrder, awaitTerminal, awaitStatus };
}

export type SagaAdmin = ReturnType<typeof createSagaAdmin>;

/** Count of sagas per status. */
export const statusCounts = (sagas: Iterable<SagaSummary>): Partial<Record<SagaStatus, number>> => {
  const counts: Partial<Record<SagaStatus, number>> = {};
  for (const s of sagas) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return counts;
};
