// Whether this process traces, decided from the standard OTEL_* variables alone. This module is
// loaded by the preload (register.ts) in every process, so it imports nothing heavy: when tracing
// is off, the OpenTelemetry SDK and its instrumentations are never loaded at all.
import { readOptional } from '../config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Exporters that need no endpoint variable to be useful (they print, or have a fixed default). */
const ENDPOINTLESS_EXPORTERS = new Set(['console', 'zipkin']);

/**
 * True when spans would go somewhere: OTEL_SDK_DISABLED is not true, OTEL_TRACES_EXPORTER is not
 * `none`, and either an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or the exporter list names console or zipkin.
 * Default (nothing set): false.
 */
export function tracingEnabled(env: Env): boolean {
  if (readOptional(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return false;

  const exporters = (readOptional(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (exporters.length > 0 && exporters.every((name) => name === 'none')) return false;
  if (exporters.some((name) => ENDPOINTLESS_EXPORTERS.has(name))) return true;

  const endpoint =
    readOptional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ??
    readOptional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return endpoint !== undefined;
}

/**
 * The service name to report when OTEL_SERVICE_NAME is unset: the workspace folder of the entry
 * script (`services/<name>/...`), else `snakepit` (the all-in-one process). Undefined when
 * OTEL_SERVICE_NAME is set, so the SDK's own reading of it wins.
 */
export function defaultServiceName(env: Env, entryScript: string | undefined): string | undefined {
  if (readOptional(env, 'OTEL_SERVICE_NAME') !== undefined) return undefined;
  const match = /[/\\]services[/\\]([^/\\]+)[/\\]/.exec(entryScript ?? '');
  return match?.[1] ?? 'snakepit';
}

/**
 * The instrumentations loaded when OTEL_NODE_ENABLED_INSTRUMENTATIONS is unset: the libraries a
 * turn passes through, plus pino so log lines carry trace ids. The noisy ones (fs, dns, net)
 * would add several spans per request that say nothing about a turn.
 */
export const DEFAULT_INSTRUMENTATIONS = ['http', 'express', 'amqplib', 'pg', 'pino'] as const;
