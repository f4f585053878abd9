import type { DatabaseUrl, UrlRole } from './db-url.js';
import { ConnectionError, CrmEtlError } from './errors.js';

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
  switch (e.code) {
    case 'ECONNREFUSED':
      return make('connection refused', `Is the server running and listening there? ${fix}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(`host '${url.host}' not found`, fix);
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return make('the server did not answer in time', `Check the host, port and firewall. ${fix}`);
    case '3D000': // PostgreSQL: database does not exist
    case 'ER_BAD_DB_ERROR':
      return make(
        `database '${url.database}' does not exist`,
        url.engine === 'postgres'
          ? `Create it (createdb ${url.database}) or point ${role.where} at an existing one`
          : `Create it (CREATE DATABASE \`${url.database}\`) or point ${role.where} at an existing one`,
      );
    case '28P01': // PostgreSQL: password authentication failed
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return make(
        `access denied for user '${url.user ?? ''}'`,
        `Check the user and password in the URL. ${fix}`,
      );
    case 'SQLITE_CANTOPEN':
    case 'EACCES':
      return make('cannot create or open the file', 'Check the path exists and is writable');
  }
  if (/timeout acquiring a connection/i.test(e.message ?? '')) {
    return make('no connection could be made in time', `Is the server running? ${fix}`);
  }
  return err;
}
