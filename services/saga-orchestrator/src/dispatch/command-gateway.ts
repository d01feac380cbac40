import { assertNever } from '@orderflow/contracts';
import { isAppError } from '@orderflow/platform/errors';
import type { SagaCommand, SagaCommandType } from '../order-saga/order-saga.commands.js';
import type { CommandFailure } from '../order-saga/order-saga.types.js';

type DataOf<T extends SagaCommandType> = Extract<SagaCommand, { type: T }>['data'];

/** Idempotency key, correlation, trace context and cancellation of one call. */
export type CommandCall = Readonly<{
  commandId: string;
  correlationId: string;
  signal: AbortSignal;
  /** W3C trace context of the event that led to the command, if any. */
  traceparent?: string | null;
  tracestate?: string | null;
}>;

/**
 * The command service as the saga needs it. Contract for adapters:
 * - resolves once the command service accepted the command (its outcome arrives as events);
 * - a refusal rejects with an AppError carrying the command service's kind and stable code;
 * - a transient failure (service or its gateway unavailable, deadline) rejects with an
 *   AppError of kind `unavailable`; anything that is not an AppError counts as transient too;
 * - the same command id is the same command: resending it never does the work twice.
 */
export type CommandGateway = {
  reserveInventory(data: DataOf<'ReserveInventory'>, call: CommandCall): Promise<void>;
  releaseInventory(data: DataOf<'ReleaseInventory'>, call: CommandCall): Promise<void>;
  authorizePayment(data: DataOf<'AuthorizePayment'>, call: CommandCall): Promise<void>;
  voidPayment(data: DataOf<'VoidPayment'>, call: CommandCall): Promise<void>;
  createShipment(data: DataOf<'CreateShipment'>, call: CommandCall): Promise<void>;
  cancelShipment(data: DataOf<'CancelShipment'>, call: CommandCall): Promise<void>;
  confirmOrder(data: DataOf<'ConfirmOrder'>, call: CommandCall): Promise<void>;
  cancelOrder(data: DataOf<'CancelOrder'>, call: CommandCall): Promise<void>;
};

export function sendCommand(
  gateway: CommandGateway,
  command: SagaCommand,
  signal: AbortSignal,
  trace: Readonly<{ traceparent?: string | null; tracestate?: string | null }> = {},
): Promise<void> {
  const call: CommandCall = { commandId: command.commandId, correlationId: command.correlationId, signal, ...trace };
  switch (command.type) {
    case 'ReserveInventory':
      return gateway.reserveInventory(command.data, call);
    case 'ReleaseInventory':
      return gateway.releaseInventory(command.data, call);
    case 'AuthorizePayment':
      return gateway.authorizePayment(command.data, call);
    case 'VoidPayment':
      return gateway.voidPayment(command.data, call);
    case 'CreateShipment':
      return gateway.createShipment(command.data, call);
    case 'CancelShipment':
      return gateway.cancelShipment(command.data, call);
    case 'ConfirmOrder':
      return gateway.confirmOrder(command.data, call);
    case 'CancelOrder':
      return gateway.cancelOrder(command.data, call);
    default:
      return assertNever(command, 'saga command');
  }
}

export type ClassifiedFailure = Omit<CommandFailure, 'commandId'>;

/**
 * Business refusals are final; everything else may succeed when tried again. An
 * optimistic-concurrency conflict is transient: the command service already retried it
 * and another try reads the newer stream.
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (isAppError(error)) {
    const transient = error.kind === 'unavailable' || error.code === 'CONCURRENCY_CONFLICT';
    return { code: error.code, kind: error.kind, message: error.message, transient };
  }
  const code = errorCodeOf(error) ?? 'COMMAND_TRANSPORT_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return { code, kind: null, message, transient: true };
}

const errorCodeOf = (error: unknown): string | null => {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
};
