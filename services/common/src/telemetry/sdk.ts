// The OpenTelemetry SDK, started by register.ts only when tracing is on. Everything heavy is here
// so that a process without an exporter never loads it.
import { register as registerImportHooks } from 'import-in-the-middle/register-hooks.mjs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { ExpressLayerType } from '@opentelemetry/instrumentation-express';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_INSTRUMENTATIONS, defaultServiceName } from './settings.ts';

/**
 * Modules that ESM code imports directly and that instrumentations patch. The import hook wraps
 * only these: wrapping every module (the default) would also rewrite our type-stripped sources
 * and cost startup time. Files these packages `require()` internally (amqplib's channel model,
 * pg-pool) are patched through the CommonJS hook and need no entry here.
 */
const HOOKED_IMPORTS = ['node:http', 'node:https', 'express', 'pg', 'amqplib', 'pino'];

/** Admin endpoints: scraped every few seconds, never part of a turn, so never traced. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

function isAdminRequest(request: IncomingMessage): boolean {
  return UNTRACED_PATHS.has(request.url?.split('?')[0] ?? '');
}

/**
 * Starts tracing for this process: the ESM import hook, then the SDK with the auto
 * instrumentations. Exporter, sampler, protocol, propagators and resource all come from the
 * standard OTEL_* variables. Call before any instrumented module is imported.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeSDK {
  registerImportHooks({ include: HOOKED_IMPORTS });

  // The auto-instrumentations read this variable themselves; an operator's value wins.
  env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= DEFAULT_INSTRUMENTATIONS.join(',');

  const sdk = new NodeSDK({
    serviceName: defaultServiceName(env, process.argv[1]),
    instrumentations: getNodeAutoInstrumentations({
      // No turn makes an outgoing HTTP call (the exporter's own are not traced anyway), so the
      // client side stays unpatched. The server side is most of tracing's cost per request
      // (about 0.2 ms of CPU, sampled or not, measured by `npm run bench tracing`).
      '@opentelemetry/instrumentation-http': {
        ignoreIncomingRequestHook: isAdminRequest,
        disableOutgoingRequestInstrumentation: true,
      },
      // Express still names the server span after the route (`POST /:strategy/move`); a span
      // per middleware, router and handler on top would triple the spans (and the cost) of a
      // turn, and say nothing the server span does not.
      '@opentelemetry/instrumentation-express': {
        ignoreLayersType: [
          ExpressLayerType.MIDDLEWARE,
          ExpressLayerType.ROUTER,
          ExpressLayerType.REQUEST_HANDLER,
        ],
      },
      // Log lines go to stdout for the cluster's log collector; only the trace ids are added.
      '@opentelemetry/instrumentation-pino': { disableLogSending: true },
    }),
    // No OTLP logs exporter: logs leave through stdout (see above).
    logRecordProcessors: [],
  });
  sdk.start();
  return sdk;
}
