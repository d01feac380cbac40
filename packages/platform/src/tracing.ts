import { NodeSDK } from '@opentelemetry/sdk-node';
import { context, propagation, trace, type Context } from '@opentelemetry/api';

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is configured (the SDK reads the
 * standard OTEL_* variables). Without one, W3C trace context still flows through event
 * metadata and Kafka headers, so traces can be stitched once a collector exists.
 */
export function startTracing(serviceName: string, endpoint: string | undefined): { shutdown: () => Promise<void> } {
  if (!endpoint) return { shutdown: async () => {} };
  const sdk = new NodeSDK({ serviceName });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

export type TraceCarrier = { traceparent?: string | null; tracestate?: string | null };

/** The current W3C trace context as plain strings, for event metadata and headers. */
export function currentTraceCarrier(ctx: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return { traceparent: carrier.traceparent ?? null, tracestate: carrier.tracestate ?? null };
}

/** A context restored from a carrier (Kafka headers, event metadata). */
export function contextFromCarrier(carrier: TraceCarrier): Context {
  const c: Record<string, string> = {};
  if (carrier.traceparent) c.traceparent = carrier.traceparent;
  if (carrier.tracestate) c.tracestate = carrier.tracestate;
  return propagation.extract(context.active(), c);
}

export const tracer = (name: string) => trace.getTracer(name);
