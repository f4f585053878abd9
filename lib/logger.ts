import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

const require = createRequire(import.meta.url);

export type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object: credentials never reach a log. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'connection.password',
  'headers.authorization',
];

/**
 * Logs go to stderr so stdout stays clean for --json summaries: pretty in a terminal, JSON lines
 * otherwise (CI, schedulers, log shippers).
 */
export function createLogger(options: { verbose?: boolean; level?: string } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (options.verbose ? 'debug' : 'info');
  const base = { level, redact: { paths: REDACT_PATHS, censor: '***' }, base: undefined };
  if (process.stderr.isTTY) {
    // Required only for a terminal: it is the heaviest part of logging to load.
    const pretty = require('pino-pretty') as typeof PinoPretty;
    return pino(base, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }));
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}
