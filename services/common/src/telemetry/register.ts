// The telemetry preload: `node --import @snakepit/common/telemetry/register src/main.ts` (and
// `--import ./services/common/dist/telemetry/register.js` in the images). It must run before the
// service imports http, express, pg or amqplib, so their modules are patched as they load.
//
// With no exporter configured (see `tracingEnabled`) it only reads a few variables: the SDK is
// not imported, nothing is patched, and the @opentelemetry/api calls in the services fall back
// to its built-in no-op tracer.
//
// Worker threads run `--import` preloads too; they do no traced I/O (strategies search in them),
// so only the main thread starts the SDK, which also spares each worker its load time.
import { isMainThread } from 'node:worker_threads';
import { tracingEnabled } from './settings.ts';
import { installShutdown } from './lifecycle.ts';

if (isMainThread && tracingEnabled(process.env)) {
  const { startTracing } = await import('./sdk.ts');
  installShutdown(startTracing());
}
