import { currentTraceCarrier, type TraceCarrier } from '@orderflow/platform';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The caller's W3C trace context when well formed, else the active span's, so events
 * continue the caller's trace. A malformed `traceparent` is ignored, as W3C asks.
 */
export function traceOf(traceparent: string | undefined, tracestate: string | undefined): TraceCarrier {
  if (traceparent !== undefined && TRACEPARENT.test(traceparent)) return { traceparent, tracestate: tracestate ?? null };
  return currentTraceCarrier();
}
