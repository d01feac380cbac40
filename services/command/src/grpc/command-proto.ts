import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_FILE = path.join('orderflow', 'command', 'v1', 'command.proto');
export const COMMAND_SERVICE = 'orderflow.command.v1.CommandService';

/**
 * The repository's `proto/` folder, found by walking up from this module: it is
 * `../../../proto` from `services/command/dist/grpc` in a checkout and `/app/proto` in
 * the image, which copies `proto/` next to `services/`.
 */
export function protoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'proto');
    if (existsSync(path.join(candidate, PROTO_FILE))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${PROTO_FILE} not found in a proto/ folder above ${from}`);
  }
}

/**
 * snake_case fields as in the .proto, int64 as JS numbers (amounts and quantities are
 * safe integers; the deciders refuse anything beyond), unset fields as their defaults.
 */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

export function commandServiceDefinition(): grpc.ServiceDefinition {
  const root = protoRoot();
  const definition = protoLoader.loadSync(path.join(root, PROTO_FILE), { ...LOADER_OPTIONS, includeDirs: [root] });
  return definition[COMMAND_SERVICE] as grpc.ServiceDefinition;
}

/** A client of the command service, for tests and tools; other services load the same .proto. */
export function createCommandClient(address: string, credentials = grpc.credentials.createInsecure()): grpc.Client {
  const Client = grpc.makeGenericClientConstructor(commandServiceDefinition(), 'CommandService');
  return new Client(address, credentials);
}
