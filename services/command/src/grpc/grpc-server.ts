import * as grpc from '@grpc/grpc-js';
import { inventoryMethods } from './methods/inventory.grpc.js';
import { orderMethods } from './methods/order.grpc.js';
import { paymentMethods } from './methods/payment.grpc.js';
import { shipmentMethods } from './methods/shipment.grpc.js';
import type { CommandUseCases } from '../use-cases.js';
import { commandServiceDefinition } from './command-proto.js';
import type { GrpcDeps } from './grpc-command.js';

/** The same bound as the REST body limit: no command needs more. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** An unstarted server with the CommandService; `listenGrpc` binds it. */
export function createGrpcServer(commands: CommandUseCases, deps: GrpcDeps): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  server.addService(commandServiceDefinition(), {
    ...orderMethods(commands, deps),
    ...inventoryMethods(commands, deps),
    ...paymentMethods(commands, deps),
    ...shipmentMethods(commands, deps),
  });
  return server;
}

/** Binds `host:port` (port 0: an ephemeral one) and resolves with the bound port. */
export function listenGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
}

/**
 * Stops taking calls and waits for those in flight; after `timeoutMs` the rest are
 * cancelled, so shutdown always ends.
 */
export function closeGrpc(server: grpc.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
