import { eventStoreContract } from './event-store.contract.js';
import { createMemoryEventStore } from './memory-event-store.js';

eventStoreContract({ makeStore: (options) => createMemoryEventStore(options) });
