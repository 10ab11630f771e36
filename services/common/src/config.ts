// Reading configuration from the environment. Every variable a service reads goes through one of
// these readers, which (1) fail at start with a message naming the variable and the expected form
// and (2) record the variable's name, so tests can check that the Helm chart sets only variables
// some service really reads.

/** A configuration value that is missing or malformed; the service must not start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variable: string;

  constructor(variable: string, problem: string, expected: string) {
    super(`${variable} ${problem}; expected ${expected}`);
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Every variable name any reader has been asked for, in this process. */
export const readVariables = new Set<string>();

function raw(env: Env, name: string): string | undefined {
  readVariables.add(name);
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A string variable; `fallback` when unset or empty. */
export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

/** A string variable that may be absent. */
export function readOptional(env: Env, name: string): string | undefined {
  return raw(env, name);
}

/** An integer variable within [min, max]; `fallback` when unset. */
export function readInt(
  env: Env,
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(
      name,
      `is ${JSON.stringify(value)}`,
      `a whole number from ${min} to ${max}`,
    );
  }
  return parsed;
}

/** A boolean variable (true/false/1/0/yes/no); `fallback` when unset. */
export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(name, `is ${JSON.stringify(value)}`, 'true or false');
}

/** One of a fixed set of words; `fallback` when unset. */
export function readChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `is ${JSON.stringify(value)}`, `one of ${choices.join(', ')}`);
  }
  return value as T;
}

/**
 * A URL variable whose scheme must be one of `protocols` (for example `['amqp:', 'amqps:']`).
 * Returns undefined when unset; the caller decides whether that is allowed.
 */
export function readUrl(
  env: Env,
  name: string,
  protocols: readonly string[],
  example: string,
): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a valid URL (${redactUrl(value)})`, example);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `has the scheme ${url.protocol}`, example);
  }
  return value;
}

/** The URL with its password (and user name) replaced, safe to log. Unparseable input is hidden. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    if (url.username) url.username = '***';
    return url.toString();
  } catch {
    return '<unparseable URL>';
  }
}
