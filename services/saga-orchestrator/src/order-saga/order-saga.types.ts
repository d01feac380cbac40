import type {
  CurrencyCode,
  InventoryReleasedData,
  InventoryReservationFailedData,
  InventoryReservedData,
  OrderCancelledData,
  OrderConfirmedData,
  OrderCreatedData,
  PaymentAuthorizedData,
  PaymentDeclinedData,
  PaymentMethod,
  PaymentVoidedData,
  ShipmentCancelledData,
  ShipmentCreatedData,
  ShipmentRejectedData,
  ShippingAddress,
} from '@orderflow/contracts';
import type { ReservationLine, SagaCommand } from './order-saga.commands.js';

export const orderSagaType = 'order';

/** The forward steps, in the order they run. */
export const forwardSteps = ['reserve_inventory', 'authorize_payment', 'create_shipment', 'confirm_order'] as const;
export type ForwardStep = (typeof forwardSteps)[number];
export type CompensationStep = 'cancel_shipment' | 'void_payment' | 'release_inventory' | 'cancel_order';
export type SagaStep = ForwardStep | CompensationStep;

export const sagaStatuses = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'] as const;
export type SagaStatus = (typeof sagaStatuses)[number];
export const activeStatuses: readonly SagaStatus[] = ['RUNNING', 'COMPENSATING'];

// ---------------------------------------------------------------------------------------
// Inputs: events from Kafka, deadlines from the timer, command results from the dispatcher.
// The clock and every generated id arrive here, so deciding stays pure.

type Input<Type extends string, Data extends object, Meta extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  metadata: Readonly<{ now: Date } & Meta>;
}>;

export type SagaStartIds = Readonly<{ sagaId: string; paymentId: string; shipmentId: string; correlationId: string }>;

export type CommandFailure = Readonly<{
  commandId: string;
  code: string;
  /** The error kind the command service reported (`not_found`, `precondition`, ...), if any. */
  kind: string | null;
  message: string;
  /** The retry budget ran out on transient errors: the outcome of the command is unknown. */
  transient: boolean;
}>;

export type SagaInput =
  | Input<'OrderCreated', OrderCreatedData, SagaStartIds>
  | Input<'InventoryReserved', InventoryReservedData>
  | Input<'InventoryReservationFailed', InventoryReservationFailedData>
  | Input<'InventoryReleased', InventoryReleasedData>
  | Input<'PaymentAuthorized', PaymentAuthorizedData>
  | Input<'PaymentDeclined', PaymentDeclinedData>
  | Input<'PaymentVoided', PaymentVoidedData>
  | Input<'ShipmentCreated', ShipmentCreatedData>
  | Input<'ShipmentRejected', ShipmentRejectedData>
  | Input<'ShipmentCancelled', ShipmentCancelledData>
  | Input<'OrderConfirmed', OrderConfirmedData>
  | Input<'OrderCancelled', OrderCancelledData>
  | Input<'DeadlineReached', { step: string }>
  | Input<'CommandSucceeded', { commandId: string }>
  | Input<'CommandFailed', CommandFailure>;

export type SagaInputType = SagaInput['type'];

// ---------------------------------------------------------------------------------------
// The saga's own events: its history, one row each, folded into its state.

export type OrderSnapshot = Readonly<{
  customerId: string;
  currency: CurrencyCode;
  totalAmount: number;
  lines: readonly ReservationLine[];
  shippingAddress: ShippingAddress;
  paymentMethod: PaymentMethod;
}>;

type SagaEventOf<Type extends string, Data extends object> = Readonly<{ type: Type; data: Readonly<Data & { at: string }> }>;

export type SagaStarted = SagaEventOf<
  'SagaStarted',
  { sagaId: string; orderId: string; correlationId: string; paymentId: string; shipmentId: string; order: OrderSnapshot }
>;
export type StepStarted = SagaEventOf<'StepStarted', { step: ForwardStep; command: SagaCommand; deadline: string }>;
export type InventoryLineReserved = SagaEventOf<'InventoryLineReserved', { productId: string }>;
export type StepSucceeded = SagaEventOf<'StepSucceeded', { step: ForwardStep }>;
/** `undo`: the step may have taken effect (timeout, lost answer, partial reservation) and is compensated too. */
export type StepFailed = SagaEventOf<'StepFailed', { step: ForwardStep; code: string; reason: string; undo: boolean }>;
export type OrderCancellationObserved = SagaEventOf<'OrderCancellationObserved', object>;
export type CompensationStarted = SagaEventOf<'CompensationStarted', { step: CompensationStep; command: SagaCommand }>;
export type CompensationSucceeded = SagaEventOf<'CompensationSucceeded', { step: CompensationStep; note: string | null }>;
/** A forward result that landed after its compensation ran: undone again under a new command id. */
export type LateResultCompensated = SagaEventOf<'LateResultCompensated', { step: CompensationStep; command: SagaCommand }>;
export type SagaCompleted = SagaEventOf<'SagaCompleted', object>;
export type SagaCompensated = SagaEventOf<'SagaCompensated', object>;
export type SagaFailed = SagaEventOf<'SagaFailed', { step: CompensationStep; code: string; reason: string }>;

export type SagaEvent =
  | SagaStarted
  | StepStarted
  | InventoryLineReserved
  | StepSucceeded
  | StepFailed
  | OrderCancellationObserved
  | CompensationStarted
  | CompensationSucceeded
  | LateResultCompensated
  | SagaCompleted
  | SagaCompensated
  | SagaFailed;

export type SagaEventType = SagaEvent['type'];

// ---------------------------------------------------------------------------------------
// State: plain JSON (timestamps as ISO strings), stored as the saga row's `data`.

export type CompensationLogEntry = Readonly<{
  step: CompensationStep;
  status: 'started' | 'succeeded' | 'failed';
  commandId: string;
  at: string;
  note: string | null;
}>;

export type SagaFailure = Readonly<{ step: ForwardStep; code: string; reason: string; at: string }>;

export type ActiveOrderSaga = Readonly<{
  status: SagaStatus;
  sagaId: string;
  orderId: string;
  correlationId: string;
  paymentId: string;
  shipmentId: string;
  order: OrderSnapshot;
  /** The step under way, forward or compensating; null once the saga has ended. */
  step: SagaStep | null;
  /** The command whose answer the current step awaits. */
  commandId: string | null;
  stepStartedAt: string | null;
  deadline: Readonly<{ step: ForwardStep; at: string }> | null;
  reserved: readonly string[];
  completed: readonly ForwardStep[];
  /** Forward steps to undo, fixed when the saga starts compensating. */
  toUndo: readonly ForwardStep[];
  compensated: readonly CompensationStep[];
  /** The order is cancelled already (by its customer): the saga never cancels it itself. */
  orderCancelled: boolean;
  failure: SagaFailure | null;
  compensationLog: readonly CompensationLogEntry[];
}>;

export type OrderSagaState = Readonly<{ status: 'NONE' }> | ActiveOrderSaga;

export const isActiveSaga = (state: OrderSagaState): state is ActiveOrderSaga => state.status !== 'NONE';
