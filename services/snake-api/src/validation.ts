// Request checks that answer 4xx before any handler runs: content type, JSON syntax, size, and
// the body's shape against the compiled schema from @snakepit/battlesnake.
import type { NextFunction, Request, Response } from 'express';
import { validateGameState, type GameState } from '@snakepit/battlesnake';
import type { TurnKind } from '@snakepit/common';

/** A client error: answered with `status` and a JSON body naming what was wrong. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly status: number;
  /** The offending field path (`board.snakes[2].body[0].x`), or `(body)` for the whole body. */
  readonly field: string | undefined;

  constructor(status: number, message: string, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/** The validated body of this request, set by `validateTurnBody`. */
export function turnBody(res: Response): GameState {
  return res.locals.state as GameState;
}

/**
 * Middleware: rejects a non-JSON content type and a body that does not match the API shape
 * (400, naming the field); for /move also one whose `you` is not on the board.
 */
export function validateTurnBody(kind: TurnKind) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (hasNoBody(req)) {
      next(new RequestError(400, 'body is required: the game state as JSON', '(body)'));
      return;
    }
    // express.json leaves the body undefined when the content type is not JSON; checking the
    // header only then keeps content-type parsing off the path of every good request.
    if (req.body === undefined && !req.is('application/json')) {
      const got = req.get('content-type') ?? 'none';
      next(
        new RequestError(400, `content-type must be application/json (got ${got})`, 'content-type'),
      );
      return;
    }
    const result = validateGameState(req.body, { youOnBoard: kind === 'move' });
    if (!result.ok) {
      next(new RequestError(400, result.message, result.field));
      return;
    }
    const nul = nulField(req.body, res.locals.rawBody as Buffer | undefined);
    if (nul !== undefined) {
      next(new RequestError(400, `${nul} must not contain \\u0000 (NUL)`, nul));
      return;
    }
    res.locals.state = result.state;
    next();
  };
}

/**
 * The path of the first string or key holding U+0000, which PostgreSQL's jsonb cannot store and
 * no engine sends. JSON can write that character only as the escape `\u0000`, so a body whose
 * raw bytes lack it is not walked.
 */
function nulField(body: unknown, rawBody: Buffer | undefined): string | undefined {
  if (rawBody !== undefined && !rawBody.includes('\\u0000')) return undefined;
  return nulAt(body, '');
}

function nulAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || '(body)' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (key.includes('\0')) return at;
    const found = nulAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * No body, or an empty one (express.json parses that as `{}`): without a length or a chunked
 * encoding there is no body, whatever the content type says.
 */
function hasNoBody(req: Request): boolean {
  const length = req.get('content-length');
  return length === '0' || (length === undefined && req.get('transfer-encoding') === undefined);
}

/**
 * Maps body-parser's errors (which carry `type` and `status`) to RequestErrors: 413 for a body
 * over the limit, 400 for malformed JSON or a bad encoding. Anything else is not the client's.
 */
export function asRequestError(err: unknown, maxBodyBytes: number): RequestError | undefined {
  if (err instanceof RequestError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') {
    return new RequestError(413, `body is larger than ${maxBodyBytes} bytes (MAX_BODY_BYTES)`);
  }
  if (type === 'entity.parse.failed') {
    return new RequestError(400, 'body is not valid JSON', '(body)');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const detail = err instanceof Error ? err.message : 'bad request';
    return new RequestError(status, detail);
  }
  return undefined;
}
