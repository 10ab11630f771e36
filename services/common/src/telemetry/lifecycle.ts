// Flushing spans at the end of the process. Kept apart from sdk.ts so that a service can call
// `shutdownTelemetry()` without loading the SDK when tracing is off.

/** The part of the SDK this module needs: something that flushes and stops. */
interface Shutdownable {
  shutdown(): Promise<void>;
}

let active: Shutdownable | undefined;

/** Remembers the started SDK and flushes it when the event loop empties on its own. */
export function installShutdown(sdk: Shutdownable): void {
  active = sdk;
  process.once('beforeExit', () => void shutdownTelemetry());
}

/**
 * Exports the spans still buffered and stops tracing; a no-op when tracing is off. Services call
 * it last in their SIGTERM handler, because the process exits right after that handler and the
 * batch processor would otherwise drop up to OTEL_BSP_SCHEDULE_DELAY (default 5 s) of spans.
 */
export async function shutdownTelemetry(): Promise<void> {
  const sdk = active;
  active = undefined;
  await sdk?.shutdown();
}
