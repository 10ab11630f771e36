// The simulator's only errors: both come from input a caller can fix, never from a turn itself.
import { GAME_TYPES } from './types.ts';

/** The request names a ruleset the simulator does not implement. */
export class UnknownRulesetError extends Error {
  override readonly name = 'UnknownRulesetError';
  readonly ruleset: string;

  constructor(ruleset: string) {
    super(
      `unknown ruleset name ${JSON.stringify(ruleset)}: expected one of ${GAME_TYPES.join(', ')}` +
        ' (squad and other legacy rulesets are not simulated)',
    );
    this.ruleset = ruleset;
  }
}

/** A new game cannot be laid out: too many snakes for the board, or a board too small. */
export class GameSetupError extends Error {
  override readonly name = 'GameSetupError';

  constructor(detail: string) {
    super(`cannot set up the game: ${detail}`);
  }
}
