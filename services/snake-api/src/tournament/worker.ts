// A worker thread that plays the games it is sent, one at a time (see sim.ts).
import { parentPort } from 'node:worker_threads';
import { playGame, type GameSpec } from './game.ts';
import { strategiesByName } from './schedule.ts';

const strategies = strategiesByName();
const port = parentPort;
if (port === null) throw new Error('tournament/worker.ts runs only as a worker thread');

port.on('message', (spec: GameSpec) => {
  void playGame(spec, strategies).then((result) => port.postMessage(result));
});
