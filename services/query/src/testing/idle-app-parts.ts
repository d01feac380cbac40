import type { AppDeps } from '../app.js';

/** What a unit test of the order routes leaves idle: no checks, no sales or inventory, no read-your-writes wait. */
export const idleAppParts = (): Pick<AppDeps, 'checks' | 'sales' | 'inventory' | 'versions' | 'minVersionWaitMs'> => ({
  checks: [],
  sales: { daily: async () => [] },
  inventory: { find: async () => null },
  versions: { register: () => ({ wait: async () => false, cancel: () => {} }) },
  minVersionWaitMs: 0,
});
