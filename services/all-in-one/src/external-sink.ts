// snake-api's own turn sink (RabbitMQ publisher with its disk spool), for AMQP_URL mode.
import type { Registry } from 'prom-client';
import type { Logger, TurnSink } from '@snakepit/common';

type Env = Readonly<Record<string, string | undefined>>;

/** snake-api's RabbitMQ sink, configured from `env` as in its own container. */
export function createExternalSink(
  _env: Env,
  _deps: { logger: Logger; registry: Registry },
): Promise<TurnSink & { close(): Promise<void> }> {
  return Promise.reject(
    new Error("AMQP_URL mode waits for snake-api's publisher (pipeline/index.ts)"),
  );
}
