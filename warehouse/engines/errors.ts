import type { DatabaseUrl, UrlRole } from '../../lib/db-url.js';
import { ConnectionError, CrmEtlError } from '../../lib/errors.js';
import { ENGINES } from './index.js';

// What database drivers' errors mean, from each engine's own codes (warehouse/engines/<engine>/errors.ts)
// and the socket errors every networked engine shares: for retries (pipelines/retry.ts) and
// for connect failures (the warehouse's and the ERP source's connections).

/** A connection that dropped, was refused or timed out, on any engine reached over the network. */
const SOCKET_RETRYABLE = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
];

/**
 * Driver error codes that mean "the same work may succeed if tried again": the connection
 * dropped, the server is restarting, or the engine chose this transaction as a victim.
 * Everything else (bad SQL, bad credentials, constraint violations) fails the same way every
 * time and is not retried.
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ENGINES).flatMap((e) => e.errors.retryable),
  ...SOCKET_RETRYABLE,
]);

/** Failures that carry no code but are a dropped connection or a full pool. */
export const RETRYABLE_MESSAGES: readonly RegExp[] = [
  ...Object.values(ENGINES).flatMap((e) => e.errors.retryableMessages),
  // knex's pool, on any engine.
  /Timeout acquiring a connection/i,
];

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

/**
 * Turns a driver's connect failure into one line that says what is wrong and what to do.
 * Unknown errors pass through unchanged.
 */
export function explainConnectError(err: unknown, url: DatabaseUrl, label: string, role: UrlRole): unknown {
  if (err instanceof CrmEtlError) return err;
  const e = (err ?? {}) as DriverError;
  const where = url.engine === 'sqlite' ? url.file : `${url.host}:${url.port}`;
  const fix = `Check ${role.where}`;
  const make = (what: string, hint: string) =>
    new ConnectionError(`Cannot open the ${label} ${role.what} at ${where}: ${what}`, { hint, cause: err });
  const codes = ENGINES[url.engine].errors;
  const code = e.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return make('connection refused', `Is the server running and listening there? ${fix}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(`host '${url.host}' not found`, fix);
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return make('the server did not answer in time', `Check the host, port and firewall. ${fix}`);
    case 'EACCES':
      return make('cannot create or open the file', 'Check the path exists and is writable');
  }
  if (codes.unknownDatabase.includes(code)) {
    const create = codes.createDatabase?.(url.database ?? '') ?? 'create it';
    return make(
      `database '${url.database}' does not exist`,
      `Create it (${create}) or point ${role.where} at an existing one`,
    );
  }
  if (codes.accessDenied.includes(code)) {
    return make(
      `access denied for user '${url.user ?? ''}'`,
      `Check the user and password in the URL. ${fix}`,
    );
  }
  if (codes.cannotOpen.includes(code)) {
    return make('cannot create or open the file', 'Check the path exists and is writable');
  }
  if (/timeout acquiring a connection/i.test(e.message ?? '')) {
    return make('no connection could be made in time', `Is the server running? ${fix}`);
  }
  return err;
}
