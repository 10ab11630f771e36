// The telemetry bootstrap and the trace helpers. Pure checks first, then the helpers against an
// in-process SDK, then two stand-in services (test/observability/fixtures/traced-turns.ts)
// started with the preload against real RabbitMQ and PostgreSQL, exporting to a local OTLP
// receiver. The end-to-end test with the real services is test/observability/traces.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import {
  TURN_ATTRIBUTES,
  annotateTurn,
  defaultServiceName,
  traceHeaders,
  tracingEnabled,
  withBatchSpan,
  withHeadersContext,
} from '@snakepit/common/telemetry/index';
import { startOtlpReceiver, type ReceivedSpan } from '../../../test/helpers/otlp-receiver.ts';
import { startEntry, type Started } from '../../../test/observability/fixtures/spawn.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = path.join(root, 'test/observability/fixtures/traced-turns.ts');
const preload = '@snakepit/common/telemetry/register';

describe('tracingEnabled', () => {
  test('is off when no exporter endpoint is set', () => {
    assert.equal(tracingEnabled({}), false);
    assert.equal(tracingEnabled({ OTEL_SERVICE_NAME: 'snake-api' }), false);
  });

  test('is on with an OTLP endpoint, general or for traces only', () => {
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318' }), true);
  });

  test('is on with the console exporter, which needs no endpoint', () => {
    assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: 'console' }), true);
  });

  test('is off with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none, endpoint or not', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    assert.equal(tracingEnabled({ ...endpoint, OTEL_SDK_DISABLED: 'true' }), false);
    assert.equal(tracingEnabled({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }), false);
  });
});

describe('defaultServiceName', () => {
  test('is the workspace folder of the entry script', () => {
    assert.equal(
      defaultServiceName({}, '/app/services/turn-persister/dist/main.js'),
      'turn-persister',
    );
    assert.equal(defaultServiceName({}, '/work/services/snake-api/src/main.ts'), 'snake-api');
  });

  test('is snakepit outside a service folder, and left to the SDK when OTEL_SERVICE_NAME is set', () => {
    assert.equal(defaultServiceName({}, '/work/src/main.ts'), 'snakepit');
    assert.equal(
      defaultServiceName({ OTEL_SERVICE_NAME: 'x' }, '/app/services/a/main.js'),
      undefined,
    );
  });
});

describe('trace helpers without an SDK', () => {
  test('carry no headers and still run the work they wrap', async () => {
    assert.deepEqual(traceHeaders(), {});
    assert.equal(
      withHeadersContext({ traceparent: 'junk' }, () => 7),
      7,
    );
    assert.equal(await withBatchSpan([undefined, {}], () => Promise.resolve('stored')), 'stored');
    annotateTurn({ strategy: 's', gameId: 'g', turn: 1 });
  });
});

describe('trace helpers with an SDK', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    instrumentations: [],
    autoDetectResources: false,
  });
  before(() => sdk.start());
  after(() => sdk.shutdown());

  const tracer = () => trace.getTracer('test');
  const finished = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

  test('a turn replayed from stored headers stays in the trace of the request', () => {
    const request = tracer().startSpan('POST /move', { kind: SpanKind.SERVER });
    // What the spool does: keep the headers as JSON on disk, read them back much later.
    const stored = JSON.stringify(
      context.with(trace.setSpan(context.active(), request), () => traceHeaders()),
    );
    request.end();

    withHeadersContext(JSON.parse(stored) as Record<string, string>, () =>
      tracer().startSpan('publish').end(),
    );
    const [publish] = finished('publish');
    assert.equal(publish?.spanContext().traceId, request.spanContext().traceId);
    assert.equal(publish?.parentSpanContext?.spanId, request.spanContext().spanId);
  });

  test('annotateTurn puts strategy, game id, turn and move on the active span', () => {
    tracer().startActiveSpan('POST /move', (span) => {
      annotateTurn({ strategy: 'chase', gameId: 'g-1', turn: 4, move: 'left' });
      span.end();
    });
    assert.deepEqual(finished('POST /move').at(-1)?.attributes, {
      [TURN_ATTRIBUTES.strategy]: 'chase',
      [TURN_ATTRIBUTES.gameId]: 'g-1',
      [TURN_ATTRIBUTES.turn]: 4,
      [TURN_ATTRIBUTES.move]: 'left',
    });
  });

  test('a batch span is a child of the first message and links every message', async () => {
    const messages = ['a', 'b', 'c'].map((name) => tracer().startSpan(`publish ${name}`));
    const headers = messages.map((span) => traceHeaders(trace.setSpan(context.active(), span)));
    const inner = await withBatchSpan(headers, () => Promise.resolve(trace.getActiveSpan()));

    const [batch] = finished('insert turns');
    assert.equal(inner?.spanContext().spanId, batch?.spanContext().spanId);
    assert.equal(batch?.parentSpanContext?.spanId, messages[0]?.spanContext().spanId);
    assert.deepEqual(
      batch?.links.map((link) => link.context.spanId),
      messages.map((span) => span.spanContext().spanId),
    );
    assert.equal(batch?.attributes['messaging.batch.message_count'], 3);
  });

  test('a failed batch ends its span as an error and rethrows', async () => {
    await assert.rejects(
      withBatchSpan([{}], () => Promise.reject(new Error('unique violation')), { name: 'failing' }),
      /unique violation/,
    );
    assert.equal(finished('failing')[0]?.status.message, 'unique violation');
  });
});

describe('the preload in a running process', () => {
  const env = {
    AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres',
    QUEUE: `telemetry-test-${randomUUID()}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
    OTEL_TRACES_EXPORTER: undefined,
    OTEL_SDK_DISABLED: undefined,
  };

  test('leaves the process unpatched, with the no-op tracer, when no exporter is set', async () => {
    const api = await startEntry(fixture, { env: { ...env, ROLE: 'api' }, preload: [preload] });
    try {
      const probe = await fetch(`http://127.0.0.1:${api.port}/probe`).then((r) => r.json());
      assert.deepEqual(probe, {
        tracerProvider: 'ProxyTracerProvider',
        delegate: 'NoopTracerProvider',
        httpPatched: false,
      });
    } finally {
      await api.stop();
    }
  });

  test('puts the request, publish, process and insert spans of a turn in one trace', async () => {
    const receiver = await startOtlpReceiver();
    const traced = {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const started: Started[] = [];
    try {
      const start = (role: string) =>
        startEntry(fixture, {
          env: { ...traced, ROLE: role, OTEL_SERVICE_NAME: `fixture-${role}` },
          preload: [preload],
        });
      started.push(...(await Promise.all([start('persister'), start('api')])));
      const apiPort = started[1]!.port;

      await Promise.all([1, 2, 3].map((turn) => postMove(apiPort, turn)));
      await fetch(`http://127.0.0.1:${apiPort}/metrics`).then((r) => r.text());
      await receiver.waitFor(
        (spans) => count(spans, 'insert turns') >= 1 && count(spans, 'process', 'suffix') >= 3,
      );
      await receiver.waitFor((spans) =>
        spans.some((s) => s.name.startsWith('pg.query') && s.serviceName === 'fixture-persister'),
      );
      assertTurnChains(receiver.spans);
    } finally {
      await Promise.all(started.map((s) => s.stop()));
      await receiver.close();
    }
  });
});

/** OTLP's numbering of span kinds (one more than the API's enum). */
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

function count(spans: ReceivedSpan[], name: string, match: 'exact' | 'suffix' = 'exact'): number {
  return spans.filter((s) => (match === 'exact' ? s.name === name : s.name.endsWith(name))).length;
}

async function postMove(port: number, turn: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/chase/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ game: { id: 'game-7' }, turn }),
  });
  assert.equal(response.status, 200);
}

function assertTurnChains(spans: ReceivedSpan[]): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const servers = spans.filter(
    (s) => s.kind === SPAN_KIND.server && s.attributes[TURN_ATTRIBUTES.turn] !== undefined,
  );
  assert.deepEqual(servers.map((s) => s.attributes[TURN_ATTRIBUTES.turn]).sort(), [1, 2, 3]);
  assert.equal(
    spans.filter((s) => s.kind === SPAN_KIND.server).length,
    3,
    'admin requests are not traced',
  );

  for (const server of servers) {
    assert.equal(server.serviceName, 'fixture-api');
    assert.equal(server.attributes[TURN_ATTRIBUTES.strategy], 'chase');
    assert.equal(server.attributes[TURN_ATTRIBUTES.gameId], 'game-7');
    assert.equal(server.attributes[TURN_ATTRIBUTES.move], 'up');

    // Publishing happens later, on another turn's timer: it must still land under this request
    // (directly, or under express's handler span inside it).
    const publish = spans.find(
      (s) =>
        s.kind === SPAN_KIND.producer &&
        s.traceId === server.traceId &&
        descendsFrom(s, server.spanId, byId),
    );
    assert.ok(
      publish,
      `turn ${String(server.attributes[TURN_ATTRIBUTES.turn])} has a publish span`,
    );
    const process = spans.find(
      (s) => s.kind === SPAN_KIND.consumer && s.parentSpanId === publish.spanId,
    );
    assert.equal(process?.serviceName, 'fixture-persister');

    const insert = spans.find(
      (s) => s.name === 'insert turns' && s.links.some((l) => l.spanId === publish.spanId),
    );
    assert.ok(insert, 'an insert span links the publish span');
  }

  const fullTrace = spans
    .filter((s) => s.name === 'insert turns')
    .map((insert) => {
      const inTrace = spans.filter((s) => s.traceId === insert.traceId);
      return { insert, inTrace };
    })
    .find(({ inTrace }) => new Set(inTrace.map((s) => s.serviceName)).size === 2);
  assert.ok(fullTrace, 'one trace spans both services');
  const kinds = new Set(fullTrace.inTrace.map((s) => s.kind));
  for (const kind of Object.values(SPAN_KIND))
    assert.ok(kinds.has(kind), `the trace has a span of kind ${kind}`);
  const query = fullTrace.inTrace.find((s) => s.name.startsWith('pg.query'));
  assert.equal(
    byId.get(query?.parentSpanId ?? '')?.name,
    'insert turns',
    'the query runs under the insert span',
  );
}

function descendsFrom(span: ReceivedSpan, ancestorId: string, byId: Map<string, ReceivedSpan>) {
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) {
    if (parent.spanId === ancestorId) return true;
  }
  return false;
}
