// The rules simulator's steps per second live with the package; this makes `npm run bench` run it.
export { default } from '../../../services/battlesnake/test/bench/simulator.ts';
