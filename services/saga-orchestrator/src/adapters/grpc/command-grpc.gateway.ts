import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { currentTraceCarrier } from '@orderflow/platform';
import { AppError, type ErrorKind } from '@orderflow/platform/errors';
import type { CommandCall, CommandGateway } from '../../dispatch/command-gateway.js';

const PROTO_FILE = path.join('orderflow', 'command', 'v1', 'command.proto');
const SERVICE = 'orderflow.command.v1.CommandService';

/** `proto/` above this module: in a checkout and in the image, which copies it next to `services/`. */
export function findProtoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'proto', PROTO_FILE))) return path.join(dir, 'proto');
    if (path.dirname(dir) === dir) throw new Error(`${PROTO_FILE} not found in a proto/ folder above ${from}`);
  }
}

export function loadCommandService(): grpc.ServiceDefinition {
  const root = findProtoRoot();
  const definition = protoLoader.loadSync(path.join(root, PROTO_FILE), {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    includeDirs: [root],
  });
  return definition[SERVICE] as grpc.ServiceDefinition;
}

type Unary = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<unknown>) => grpc.ClientUnaryCall;

/**
 * The command service over gRPC. Requests carry the saga's command id (the idempotency
 * key) and correlation id, plus the current trace context as metadata; a failure comes
 * back as an AppError whose kind follows the gRPC status and whose code is the service's
 * `error-code` trailer.
 */
export function createGrpcCommandGateway(address: string, opts: Readonly<{ timeoutMs: number }>): CommandGateway & { close(): void } {
  const Client = grpc.makeGenericClientConstructor(loadCommandService(), 'CommandService');
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as Record<string, Unary> & grpc.Client;

  const unary = (method: string, request: object, call: CommandCall): Promise<void> =>
    new Promise((resolve, reject) => {
      if (call.signal.aborted) return reject(call.signal.reason);
      const metadata = new grpc.Metadata();
      // the trace of the event that led here; else whatever span is active
      const trace = call.traceparent ? { traceparent: call.traceparent, tracestate: call.tracestate } : currentTraceCarrier();
      if (trace.traceparent) metadata.set('traceparent', trace.traceparent);
      if (trace.tracestate) metadata.set('tracestate', trace.tracestate);
      const rpc = client[method];
      if (!rpc) return reject(new Error(`command service has no method ${method}`));
      const pending = rpc.call(
        client,
        { command_id: call.commandId, correlation_id: call.correlationId, ...request },
        metadata,
        { deadline: Date.now() + opts.timeoutMs },
        (error) => (error ? reject(toAppError(error as grpc.ServiceError)) : resolve()),
      );
      call.signal.addEventListener('abort', () => pending.cancel(), { once: true });
    });

  return {
    reserveInventory: (d, call) =>
      unary('ReserveInventory', { order_id: d.orderId, lines: d.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity })) }, call),
    releaseInventory: (d, call) => unary('ReleaseInventory', { order_id: d.orderId, product_ids: d.productIds, reason: d.reason }, call),
    authorizePayment: (d, call) =>
      unary(
        'AuthorizePayment',
        {
          order_id: d.orderId,
          payment_id: d.paymentId,
          amount: d.amount,
          currency: d.currency,
          payment_method: { type: d.paymentMethod.type, token: d.paymentMethod.token },
        },
        call,
      ),
    voidPayment: (d, call) => unary('VoidPayment', { payment_id: d.paymentId, reason: d.reason }, call),
    createShipment: (d, call) =>
      unary(
        'CreateShipment',
        {
          order_id: d.orderId,
          shipment_id: d.shipmentId,
          shipping_address: {
            line1: d.shippingAddress.line1,
            city: d.shippingAddress.city,
            postal_code: d.shippingAddress.postalCode,
            country: d.shippingAddress.country,
          },
        },
        call,
      ),
    cancelShipment: (d, call) => unary('CancelShipment', { shipment_id: d.shipmentId, reason: d.reason }, call),
    confirmOrder: (d, call) =>
      unary('ConfirmOrder', { order_id: d.orderId, payment_id: d.paymentId, shipment_id: d.shipmentId, expected_plan_digest: d.expectedPlanDigest ?? '' }, call),
    cancelOrder: (d, call) => unary('CancelOrder', { order_id: d.orderId, reason: d.reason }, call),
    close: () => client.close(),
  };
}

/**
 * Status to kind. Everything that may pass on its own (unavailable, deadline, overload,
 * a call we cancelled, a server bug) is `unavailable`, which the dispatcher retries.
 */
const kindOfStatus: Partial<Record<grpc.status, ErrorKind>> = {
  [grpc.status.INVALID_ARGUMENT]: 'validation',
  [grpc.status.NOT_FOUND]: 'not_found',
  [grpc.status.ALREADY_EXISTS]: 'conflict',
  [grpc.status.ABORTED]: 'conflict',
  [grpc.status.FAILED_PRECONDITION]: 'precondition',
  [grpc.status.PERMISSION_DENIED]: 'forbidden',
  [grpc.status.UNAUTHENTICATED]: 'unauthenticated',
  [grpc.status.OUT_OF_RANGE]: 'validation',
  [grpc.status.UNIMPLEMENTED]: 'precondition',
};

export function toAppError(error: grpc.ServiceError): AppError {
  const kind = kindOfStatus[error.code] ?? 'unavailable';
  const fromTrailer = error.metadata?.get('error-code')[0];
  const code = typeof fromTrailer === 'string' && fromTrailer ? fromTrailer : error.code === grpc.status.ABORTED ? 'CONCURRENCY_CONFLICT' : grpc.status[error.code];
  return new AppError(kind, code ?? 'UNKNOWN', error.details || error.message, { grpcStatus: error.code });
}
