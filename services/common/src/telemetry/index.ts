// What a service imports from the telemetry folder. The preload (register.ts) and the SDK
// (sdk.ts) are not re-exported: they are loaded by `node --import`, never by the services.
export * from './lifecycle.ts';
export * from './settings.ts';
export * from './tracing.ts';
