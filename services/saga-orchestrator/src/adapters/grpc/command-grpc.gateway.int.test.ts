import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { isAppError } from '@orderflow/platform/errors';
import { classifyFailure, sendCommand, type CommandGateway } from '../../dispatch/command-gateway.js';
import type { SagaCommand } from '../../order-saga/order-saga.commands.js';
import { createGrpcCommandGateway, loadCommandService } from './command-grpc.gateway.js';

type Received = { method: string; request: Record<string, unknown>; traceparent?: unknown };
type Reply = { code: grpc.status; errorCode?: string; details?: string } | 'ok' | 'hang';

/**
 * The adapter against a gRPC server speaking the command service's .proto, in this
 * process on an ephemeral port: what goes on the wire, and how statuses come back.
 */
describe('gRPC command gateway', () => {
  const received: Received[] = [];
  let reply: Reply = 'ok';
  let server: grpc.Server;
  let gateway: CommandGateway & { close(): void };

  before(async () => {
    const definition = loadCommandService();
    server = new grpc.Server();
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [method] of Object.entries(definition)) {
      handlers[method] = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        received.push({ method, request: call.request, traceparent: call.metadata.get('traceparent')[0] });
        if (reply === 'hang') return;
        if (reply === 'ok') return callback(null, { command_id: call.request['command_id'], status: 'accepted' });
        const metadata = new grpc.Metadata();
        if (reply.errorCode) metadata.set('error-code', reply.errorCode);
        callback({ code: reply.code, details: reply.details ?? 'refused', metadata });
      };
    }
    server.addService(definition, handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    gateway = createGrpcCommandGateway(`127.0.0.1:${port}`, { timeoutMs: 300 });
  });
  after(() => {
    gateway?.close();
    server?.forceShutdown();
  });

  const send = (command: SagaCommand) => sendCommand(gateway, command, new AbortController().signal);
  const ids = { commandId: 'saga-1:reserve_inventory', correlationId: 'corr-1' };

  it('sends the command id, the correlation id and every field in the .proto\'s names', async () => {
    reply = 'ok';
    received.length = 0;
    await send({ type: 'ReserveInventory', ...ids, data: { orderId: 'o-1', lines: [{ productId: 'SKU-1', quantity: 2 }] } });
    await send({
      type: 'AuthorizePayment',
      commandId: 'saga-1:authorize_payment',
      correlationId: 'corr-1',
      data: { paymentId: 'p-1', orderId: 'o-1', amount: 7499, currency: 'EUR', paymentMethod: { type: 'card', token: 'tok_visa' } },
    });
    await send({
      type: 'CreateShipment',
      commandId: 'saga-1:create_shipment',
      correlationId: 'corr-1',
      data: { shipmentId: 's-1', orderId: 'o-1', shippingAddress: { line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' } },
    });
    await send({ type: 'ReleaseInventory', commandId: 'saga-1:release_inventory', correlationId: 'corr-1', data: { orderId: 'o-1', productIds: ['SKU-1'], reason: 'r' } });
    assert.deepEqual(received[0], {
      method: 'ReserveInventory',
      traceparent: undefined,
      request: { command_id: 'saga-1:reserve_inventory', correlation_id: 'corr-1', order_id: 'o-1', lines: [{ product_id: 'SKU-1', quantity: 2 }] },
    });
    assert.deepEqual(received[1]?.request, {
      command_id: 'saga-1:authorize_payment',
      correlation_id: 'corr-1',
      order_id: 'o-1',
      payment_id: 'p-1',
      amount: 7499,
      currency: 'EUR',
      payment_method: { type: 'card', token: 'tok_visa' },
    });
    assert.deepEqual(received[2]?.request['shipping_address'], { line1: '1 Main St', city: 'Paris', postal_code: '75001', country: 'FR' });
    assert.deepEqual(received[3]?.request['product_ids'], ['SKU-1']);
  });

  it('passes on the trace context of the event that led to the command', async () => {
    reply = 'ok';
    received.length = 0;
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await sendCommand(gateway, { type: 'VoidPayment', ...ids, data: { paymentId: 'p-1', reason: 'r' } }, new AbortController().signal, { traceparent });
    assert.equal(received[0]?.traceparent, traceparent);
  });

  const failureOf = async (r: Reply) => {
    reply = r;
    try {
      await send({ type: 'CancelOrder', ...ids, data: { orderId: 'o-1', reason: 'r' } });
    } catch (e) {
      return { appError: isAppError(e), ...classifyFailure(e) };
    }
    throw new Error('the call should have failed');
  };

  it('maps a refusal to a final failure with the service\'s error code', async () => {
    const f = await failureOf({ code: grpc.status.FAILED_PRECONDITION, errorCode: 'ORDER_ALREADY_SHIPPED', details: 'shipped' });
    assert.deepEqual(f, { appError: true, code: 'ORDER_ALREADY_SHIPPED', kind: 'precondition', message: 'shipped', transient: false });
    const missing = await failureOf({ code: grpc.status.NOT_FOUND, errorCode: 'ORDER_NOT_FOUND' });
    assert.equal(missing.kind, 'not_found');
    assert.equal(missing.transient, false);
  });

  it('maps UNAVAILABLE, DEADLINE_EXCEEDED and ABORTED to transient failures', async () => {
    assert.deepEqual(await failureOf({ code: grpc.status.UNAVAILABLE, errorCode: 'GATEWAY_UNAVAILABLE', details: 'down' }), {
      appError: true,
      code: 'GATEWAY_UNAVAILABLE',
      kind: 'unavailable',
      message: 'down',
      transient: true,
    });
    const timeout = await failureOf({ code: grpc.status.DEADLINE_EXCEEDED, errorCode: 'GATEWAY_TIMEOUT' });
    assert.equal(timeout.transient, true);
    const conflict = await failureOf({ code: grpc.status.ABORTED });
    assert.equal(conflict.code, 'CONCURRENCY_CONFLICT');
    assert.equal(conflict.transient, true);
  });

  it('gives up on a call past its deadline, as a transient failure', async () => {
    const f = await failureOf('hang');
    assert.equal(f.code, 'DEADLINE_EXCEEDED');
    assert.equal(f.transient, true);
  });
});
