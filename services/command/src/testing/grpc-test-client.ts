import type { Client, ServiceError } from '@grpc/grpc-js';
import type { CommandResponseMessage } from '../grpc/grpc-command.js';

type Unary = (request: object, callback: (error: ServiceError | null, response: CommandResponseMessage) => void) => void;

/** Calls a unary method of the generic client as a promise. */
export function callCommand(client: Client, method: string, request: object): Promise<CommandResponseMessage> {
  const fn = (client as unknown as Record<string, Unary>)[method];
  if (fn === undefined) throw new Error(`no method ${method}`);
  return new Promise((resolve, reject) => fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
}

/** Matches a gRPC error by status code and the `error-code` metadata. */
export const grpcError = (code: number, errorCode: string) => (e: unknown) => {
  const error = e as ServiceError;
  return error.code === code && error.metadata?.get('error-code')[0] === errorCode;
};
