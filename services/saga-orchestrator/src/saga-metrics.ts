import { prom, type MetricsRegistry } from '@orderflow/platform';
import type { SagaCommandType } from './order-saga/order-saga.commands.js';
import { evolve } from './order-saga/order-saga.evolve.js';
import type { SagaTransition } from './order-saga/order-saga.handler.js';
import { orderSagaType } from './order-saga/order-saga.types.js';
import type { BreakerState } from './dispatch/command-breakers.js';

/**
 * The orchestrator's metrics (names documented in the service README):
 * saga_started_total, saga_completed_total, saga_compensated_total, saga_failed_total,
 * saga_step_duration_seconds{step,outcome}, saga_stuck, saga_commands_total{command_type,outcome},
 * saga_deadlines_fired_total, saga_circuit_state{command_type}, saga_dedupe_rows_pruned_total.
 */
export function createSagaMetrics(registry: MetricsRegistry, countStuck: () => Promise<number>) {
  // created at zero, so a dashboard sees the series before the first saga ends that way
  const counter = (name: string, help: string) => {
    const c = new prom.Counter({ name, help, labelNames: ['saga_type'], registers: [registry] });
    c.inc({ saga_type: orderSagaType }, 0);
    return c;
  };
  const started = counter('saga_started_total', 'Sagas started');
  const completed = counter('saga_completed_total', 'Sagas that completed every step');
  const compensated = counter('saga_compensated_total', 'Sagas that undid their steps after a failure');
  const failed = counter('saga_failed_total', 'Sagas whose compensation was refused for good (needs an operator)');
  const deadlines = counter('saga_deadlines_fired_total', 'Step deadlines that passed without an answer');
  const dedupePruned = new prom.Counter({
    name: 'saga_dedupe_rows_pruned_total',
    help: 'Consumed-event dedupe rows deleted by the retention job',
    registers: [registry],
  });
  const stepDuration = new prom.Histogram({
    name: 'saga_step_duration_seconds',
    help: 'Time from sending a step command to the step ending',
    labelNames: ['step', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const commands = new prom.Counter({
    name: 'saga_commands_total',
    help: 'Command sends by outcome: sent, retry (transient failure), refused, exhausted',
    labelNames: ['command_type', 'outcome'],
    registers: [registry],
  });
  const circuit = new prom.Gauge({
    name: 'saga_circuit_state',
    help: 'Circuit per command type: 0 closed, 1 half open, 2 open',
    labelNames: ['command_type'],
    registers: [registry],
  });
  new prom.Gauge({
    name: 'saga_stuck',
    help: 'Running or compensating sagas that have not moved for longer than SAGA_STUCK_AFTER_MS',
    registers: [registry],
    async collect() {
      this.set(await countStuck());
    },
  });

  return {
    dedupePruned(count: number) {
      dedupePruned.inc(count);
    },
    transitioned(t: SagaTransition) {
      const labels = { saga_type: orderSagaType };
      let state = t.before;
      for (const e of t.events) {
        const since = state.status === 'NONE' ? null : state.stepStartedAt;
        if (since && (e.type === 'StepSucceeded' || e.type === 'StepFailed' || e.type === 'CompensationSucceeded')) {
          const outcome = e.type === 'StepFailed' ? 'failed' : 'succeeded';
          stepDuration.observe({ step: e.data.step, outcome }, Math.max(0, Date.parse(e.data.at) - Date.parse(since)) / 1000);
        }
        if (e.type === 'SagaStarted') started.inc(labels);
        if (e.type === 'SagaCompleted') completed.inc(labels);
        if (e.type === 'SagaCompensated') compensated.inc(labels);
        if (e.type === 'SagaFailed') failed.inc(labels);
        if (e.type === 'StepFailed' && t.input === 'DeadlineReached') deadlines.inc(labels);
        state = evolve(state, e);
      }
    },
    commandSent: (type: SagaCommandType, outcome: 'sent' | 'retry' | 'refused' | 'exhausted') => commands.inc({ command_type: type, outcome }),
    circuitChanged: (type: SagaCommandType, state: BreakerState) =>
      circuit.set({ command_type: type }, state === 'open' ? 2 : state === 'half_open' ? 1 : 0),
  };
}

export type SagaMetrics = ReturnType<typeof createSagaMetrics>;
