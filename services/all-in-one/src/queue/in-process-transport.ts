// The in-process queue behind snake-api's TurnTransport, so the same publisher (with its spool,
// replay and metrics) sends turns to it as it sends them to RabbitMQ. A publish is "confirmed"
// once the queue holds the turn, as RabbitMQ confirms once its queue holds it; a full queue
// refuses it (a negative confirm, as x-overflow reject-publish does) and the publisher spools it.
import {
  PublishNackedError,
  type OutgoingTurn,
  type TurnTransport,
} from '@snakepit/snake-api/pipeline/transport';
import type { InProcessQueue } from './in-process-queue.ts';

/** TurnTransport over an InProcessQueue; `ready` is false while the queue is full. */
export class InProcessTransport implements TurnTransport {
  readonly #queue: InProcessQueue;
  readonly #listeners: ((ready: boolean) => void)[] = [];
  #ready = true;
  #closed = false;

  constructor(queue: InProcessQueue) {
    this.#queue = queue;
    queue.onAck(() => this.#update());
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Resolves once the queue holds the turn; rejects with PublishNackedError when it is full. */
  publish(turn: OutgoingTurn): Promise<void> {
    const taken = !this.#closed && this.#queue.offer({ id: turn.id, body: turn.bytes });
    this.#update();
    return taken ? Promise.resolve() : Promise.reject(new PublishNackedError(turn.id));
  }

  onReadyChange(listener: (ready: boolean) => void): void {
    this.#listeners.push(listener);
  }

  /** Refuses further publishes; what the queue holds stays there for the owner to spool. */
  close(): Promise<void> {
    this.#closed = true;
    this.#update();
    return Promise.resolve();
  }

  #update(): void {
    const ready = !this.#closed && this.#queue.room > 0;
    if (ready === this.#ready) return;
    this.#ready = ready;
    for (const listener of this.#listeners) listener(ready);
  }
}
