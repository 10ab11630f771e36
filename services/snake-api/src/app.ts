// The Battlesnake webhook as an express 5 app: GET / and GET /:strategy answer the info object;
// POST /start, /move and /end (and the same under /:strategy/) play. Root paths use the
// default strategy. Every answered turn goes to the turn sink.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger, TurnKind, TurnRecord, TurnSink } from '@snakepit/common';
import { annotateTurn } from '@snakepit/common/telemetry/index';
import pkg from '../package.json' with { type: 'json' };
import { decideMove } from './moves.ts';
import { recordGameEnd, recordGameStart } from './games.ts';
import type { ApiMetrics } from './metrics.ts';
import { findStrategy, strategyNames, type Strategy } from './strategies/index.ts';
import { asRequestError, turnBody, validateTurnBody } from './validation.ts';

export interface AppOptions {
  logger: Logger;
  metrics: ApiMetrics;
  sink: TurnSink;
  /** Strategy for the root paths (DEFAULT_STRATEGY). */
  defaultStrategy: string;
  /** MOVE_LATENCY_RESERVE_MS, in milliseconds. */
  moveLatencyReserveMs: number;
  /** MAX_BODY_BYTES: larger bodies are answered 413. */
  maxBodyBytes: number;
  /** Random source handed to strategies; default Math.random. */
  random?: () => number;
}

interface Locals {
  arrivedAt: number;
  receivedAt: Date;
  strategy?: Strategy;
  rawBody?: Buffer;
}

const locals = (res: Response) => res.locals as Locals;

/** The express app for the webhook (no listening; see service.ts). */
export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(timing(options.metrics));

  // One route per path (not a path array), so each route's pattern labels its own metrics. The
  // turn paths come first: `/:strategy` would otherwise take a GET /move as a strategy's name.
  const json = express.json({
    limit: options.maxBodyBytes,
    verify: (req, res, buf) => {
      if (isUtf8Body(req as Request)) locals(res as Response).rawBody = buf;
    },
  });
  for (const kind of ['start', 'move', 'end'] as const) {
    const stack = [withStrategy(options), json, validateTurnBody(kind), turnHandler(kind, options)];
    for (const path of [`/${kind}`, `/:strategy/${kind}`]) {
      app.post(path, ...stack);
      app.all(path, methodNotAllowed('POST'));
    }
  }
  for (const path of ['/', '/:strategy']) {
    app.get(path, withStrategy(options), info);
    app.all(path, methodNotAllowed('GET, HEAD'));
  }

  app.use(notFound);
  app.use(errorHandler(options));
  return app;
}

/**
 * Whether the body's bytes are UTF-8 (the charset JSON is sent in unless it says otherwise), so
 * that the message can carry them verbatim. A body sent as UTF-16 is not kept: the encoder then
 * writes the parsed body instead.
 */
function isUtf8Body(req: Request): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/** Records arrival time, and the request duration once the response is sent. */
function timing(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    locals(res).arrivedAt = performance.now();
    locals(res).receivedAt = new Date();
    res.once('finish', () => {
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? path : 'unmatched';
      const seconds = (performance.now() - locals(res).arrivedAt) / 1000;
      const labels = {
        method: req.method,
        route,
        strategy: locals(res).strategy?.name ?? 'none',
        status: String(res.statusCode),
      };
      metrics.requestDuration.observe(labels, seconds);
    });
    next();
  };
}

/** Resolves the path's strategy (or the default); 404 listing the known ones when unknown. */
function withStrategy(options: AppOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    const name = req.params.strategy ?? options.defaultStrategy;
    const strategy = findStrategy(String(name));
    if (strategy === undefined) {
      res
        .status(404)
        .json({ error: `unknown strategy ${JSON.stringify(name)}`, strategies: strategyNames() });
      return;
    }
    locals(res).strategy = strategy;
    next();
  };
}

function info(_req: Request, res: Response): void {
  const { appearance } = locals(res).strategy as Strategy;
  res.json({ apiversion: '1', author: 'snakepit', ...appearance, version: pkg.version });
}

function turnHandler(kind: TurnKind, options: AppOptions) {
  return async (req: Request, res: Response) => {
    const strategy = locals(res).strategy as Strategy;
    const state = turnBody(res);
    const record: TurnRecord = {
      kind,
      strategy: strategy.name,
      path: req.path,
      body: state,
      rawBody: locals(res).rawBody ?? Buffer.alloc(0),
      receivedAt: locals(res).receivedAt,
    };

    if (kind === 'move') await playMove(options, strategy, record, locals(res).arrivedAt);
    else if (kind === 'start')
      recordGameStart(options.logger, options.metrics, strategy.name, state);
    else recordGameEnd(options.logger, options.metrics, strategy.name, state);

    annotateTurn({
      strategy: strategy.name,
      gameId: state.game.id,
      turn: state.turn,
      move: record.move,
    });
    await handOver(options, record);
    res.json(kind === 'move' ? { move: record.move } : {});
  };
}

/** Asks the strategy for the move, records it on `record` and in the metrics. */
async function playMove(
  options: AppOptions,
  strategy: Strategy,
  record: TurnRecord,
  arrivedAt: number,
): Promise<void> {
  const decision = await decideMove(strategy, record.body, {
    arrivedAt,
    reserveMs: options.moveLatencyReserveMs,
    random: options.random ?? Math.random,
    logger: options.logger,
  });
  record.move = decision.move;
  record.computeMs = decision.computeMs;

  const labels = { strategy: strategy.name };
  options.metrics.moveCompute.observe(labels, decision.computeMs / 1000);
  const ratio = decision.budgetMs > 0 ? decision.computeMs / decision.budgetMs : 1;
  options.metrics.moveBudgetRatio.observe(labels, ratio);
  const { id: gameId } = record.body.game;
  options.logger.debug({ gameId, turn: record.body.turn, ...labels, move: decision.move }, 'move');
}

/**
 * Gives the turn to the sink. A promise (PERSIST_MODE=sync) is awaited so the turn is stored
 * before we answer; if storing fails we still answer, because a missed move can kill the snake
 * while a missed record only leaves a gap, which the error log reports.
 */
async function handOver(options: AppOptions, record: TurnRecord): Promise<void> {
  try {
    const pending = options.sink.accept(record);
    if (pending !== undefined) await pending;
  } catch (err) {
    options.logger.error(
      { err, gameId: record.body.game.id, kind: record.kind },
      'turn not stored',
    );
  }
}

/** 405 with an Allow header, for a known path asked with another method. */
function methodNotAllowed(allow: string) {
  return (req: Request, res: Response): void => {
    res
      .status(405)
      .set('Allow', allow)
      .json({ error: `${req.method} is not allowed on ${req.path}; use ${allow}` });
  };
}

function notFound(req: Request, res: Response): void {
  res.status(404).json({
    error: `no route ${req.method} ${req.path}; try GET /, POST /move or /{strategy}/move`,
    strategies: strategyNames(),
  });
}

function errorHandler(options: AppOptions) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const clientError = asRequestError(err, options.maxBodyBytes);
    if (clientError !== undefined) {
      const body: Record<string, string> = { error: clientError.message };
      if (clientError.field !== undefined) body.field = clientError.field;
      res.status(clientError.status).json(body);
      return;
    }
    options.logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error; see the server log' });
  };
}
