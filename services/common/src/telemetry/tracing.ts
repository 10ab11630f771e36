// What the services call to make one trace follow a turn: attributes on the request span, the
// request's context carried in AMQP headers (also through the disk spool), and a batch insert
// span linked to every message it stores. Only @opentelemetry/api is used: when tracing is off
// its global tracer is a no-op, every function here costs a few property reads, and headers stay
// empty.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

/** Span attribute names for a turn (a namespace of our own; no semantic convention covers it). */
export const TURN_ATTRIBUTES = {
  strategy: 'snakepit.strategy',
  gameId: 'snakepit.game.id',
  turn: 'snakepit.game.turn',
  move: 'snakepit.move',
} as const;

/** The name every snakepit span's tracer reports as its instrumentation scope. */
export const TRACER_NAME = 'snakepit';

/** What the request span says about the turn it answered. */
export interface TurnSpanFields {
  strategy: string;
  gameId: string;
  turn: number;
  /** The move answered; absent for /start and /end. */
  move?: string;
}

/** AMQP message headers, or anything else string-keyed that carries `traceparent`. */
export type TraceHeaders = Record<string, unknown>;

/**
 * The span of the incoming HTTP request in `ctx` (default: the active context). Inside an
 * express handler the active span is express's handler span; the HTTP server span, which the
 * trace is read by, is kept in the RPC metadata that the http instrumentation sets.
 */
export function requestSpan(ctx: Context = context.active()): Span | undefined {
  return getRPCMetadata(ctx)?.span ?? trace.getSpan(ctx);
}

/** Sets strategy, game id, turn and move on the current request span; no-op without tracing. */
export function annotateTurn(fields: TurnSpanFields): void {
  const span = requestSpan();
  if (!span?.isRecording()) return;
  span.setAttributes({
    [TURN_ATTRIBUTES.strategy]: fields.strategy,
    [TURN_ATTRIBUTES.gameId]: fields.gameId,
    [TURN_ATTRIBUTES.turn]: fields.turn,
    ...(fields.move === undefined ? {} : { [TURN_ATTRIBUTES.move]: fields.move }),
  });
}

/**
 * The active trace context as message headers (W3C `traceparent`, `tracestate`), to be taken
 * while the request is still being handled and stored with the turn, spool included. Returns
 * `{}` when tracing is off or nothing is being traced.
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/** The context a message's headers carry; the root context when they carry none. */
export function contextFromHeaders(headers: TraceHeaders | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
}

/**
 * Runs `fn` inside the context stored in `headers`. Publish through it: the amqplib
 * instrumentation parents its publish span on whatever context is active at `channel.publish`,
 * which for a queued or replayed turn would otherwise be another request's or none.
 */
export function withHeadersContext<T>(headers: TraceHeaders | undefined, fn: () => T): T {
  return context.with(contextFromHeaders(headers), fn);
}

/** Options for `withBatchSpan`. */
export interface BatchSpanOptions {
  /** Span name; default `insert turns`. */
  name?: string;
  /** Extra attributes on the batch span, for example the batch size. */
  attributes?: Attributes;
}

/**
 * Runs `fn` (a batch insert) inside a span that links the trace context of every message in
 * the batch, so each turn's trace leads to the insert that stored it. The span is a child of
 * the first message's context, so that turn's trace holds the insert (and the database spans
 * under it) directly; the others reach it through their link. Errors end the span as failed
 * and are rethrown. The SDK keeps only the last OTEL_SPAN_LINK_COUNT_LIMIT links (default 128):
 * with bigger batches (BATCH_SIZE, default 500) set that variable to at least BATCH_SIZE, or the
 * first turns of a large batch lose their link.
 */
export async function withBatchSpan<T>(
  messageHeaders: readonly (TraceHeaders | undefined)[],
  fn: () => Promise<T>,
  options: BatchSpanOptions = {},
): Promise<T> {
  const contexts = messageHeaders.map(contextFromHeaders);
  const links: Link[] = contexts.flatMap((ctx) => {
    const spanContext = trace.getSpanContext(ctx);
    return spanContext ? [{ context: spanContext }] : [];
  });
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = contexts[0] ?? ROOT_CONTEXT;
  const attributes = {
    'messaging.batch.message_count': messageHeaders.length,
    ...options.attributes,
  };

  return tracer.startActiveSpan(
    options.name ?? 'insert turns',
    { kind: SpanKind.INTERNAL, links, attributes },
    parent,
    async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
