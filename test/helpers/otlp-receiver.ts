// A minimal OTLP/HTTP receiver for tests: accepts `POST /v1/traces` with JSON bodies
// (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and keeps every span, flattened, in memory. Protobuf
// bodies (the default protocol) are accepted and counted but not decoded, for benchmarks that
// only need an exporter to have somewhere to send. Other signals are refused with 415, so a
// misconfigured exporter is visible.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One received span, with its resource's service.name and plain attribute values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  serviceName: string;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT, for example `http://127.0.0.1:4318`. */
  url: string;
  /** Every span received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** Export requests answered, any signal (a sign that an exporter is talking to us). */
  requests: number;
  /** Bytes of the protobuf trace exports received (not decoded). */
  protobufBytes: number;
  /** Resolves once `predicate(spans)` holds; rejects after `timeoutMs` (default 20000). */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}
interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function plain(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return value.arrayValue?.values?.map(plain);
}

function attributeMap(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, plain(kv.value)]));
}

/** Flattens one ExportTraceServiceRequest into spans. */
export function flattenTraceRequest(request: OtlpTraceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = String(attributeMap(resourceSpans.resource?.attributes)['service.name']);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind ?? 0,
        serviceName,
        attributes: attributeMap(span.attributes),
        links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        statusCode: span.status?.code ?? 0,
      })),
    );
  });
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** Starts the receiver on 127.0.0.1 and a free port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const waiters = new Set<() => void>();
  const receiver = { spans, requests: 0, protobufBytes: 0 };

  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => {
        receiver.requests += 1;
        const type = req.headers['content-type'] ?? '';
        if (req.url === '/v1/traces' && type.startsWith('application/x-protobuf')) {
          receiver.protobufBytes += body.length;
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
          return;
        }
        if (req.url !== '/v1/traces' || !type.startsWith('application/json')) {
          res.writeHead(415).end();
          return;
        }
        spans.push(...flattenTraceRequest(JSON.parse(body.toString('utf8')) as OtlpTraceRequest));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        for (const wake of waiters) wake();
      })
      .catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function waitFor(predicate: (all: ReceivedSpan[]) => boolean, timeoutMs = 20_000) {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(spans)) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`spans never matched within ${timeoutMs} ms (${spans.length} received)`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    spans,
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
