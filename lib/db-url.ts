import path from 'node:path';
import { ConfigError } from './errors.js';

export type EngineName = 'sqlite' | 'postgres' | 'mysql';

/** A database location: the warehouse (`--db` / `DATABASE_URL`) or a source such as an ERP. */
export interface DatabaseUrl {
  engine: EngineName;
  /** The URL with any password replaced by `***`: safe to print and log. */
  display: string;
  /** sqlite: the file path (or `:memory:`). */
  file?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Query-string parameters, e.g. `?ssl=true`. */
  params: Record<string, string>;
}

/** URL schemes users type, mapped to the engine that serves them. */
const SCHEMES: Readonly<Record<string, EngineName>> = Object.freeze({
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  file: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
});

// scheme://userinfo@ — greedy up to the last '@' before the path, as URL parsers read it, so a
// password with an unencoded '@' (or an empty user name) is still all inside userinfo.
const AUTHORITY = /^(\s*[a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** The URL with its password (if any) replaced by `***`: safe to print and log. */
export function redactUrl(url: string): string {
  return url.replace(AUTHORITY, (all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? all : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

/** The password a URL carries, as written (maybe percent-encoded), or undefined. */
export function urlPassword(url: string): string | undefined {
  const userinfo = AUTHORITY.exec(url)?.[2];
  const colon = userinfo?.indexOf(':') ?? -1;
  return colon < 0 ? undefined : userinfo!.slice(colon + 1) || undefined;
}

/** What the URL is for, in error messages: `warehouse` (set by --db or DATABASE_URL), `source 'erp' URL`. */
export interface UrlRole {
  what: string;
  /** Where the user sets it. */
  where: string;
}

export function parseDatabaseUrl(raw: string, role: UrlRole): DatabaseUrl {
  const url = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const display = redactUrl(url);
  const engine = scheme ? SCHEMES[scheme] : undefined;
  if (!engine) {
    throw new ConfigError(
      scheme
        ? `Unknown ${role.what} URL scheme '${scheme}:' in '${display}'`
        : `'${display}' is not a ${role.what} URL`,
      {
        hint: `Use postgres://user@host:5432/db, mysql://user@host:3306/db or sqlite:<path> (${role.where})`,
      },
    );
  }
  if (engine === 'sqlite') {
    // sqlite:data/w.db, sqlite:///abs/path.db, sqlite::memory:
    const rest = url.slice(url.indexOf(':') + 1).replace(/^\/\/(?=\/)/, '');
    if (!rest)
      throw new ConfigError(`'${display}' names no SQLite file`, {
        hint: `Write sqlite:<path>, e.g. sqlite:data/warehouse.db (${role.where})`,
      });
    const file = rest === ':memory:' ? rest : path.resolve(rest);
    return { engine, display, file, params: {} };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigError(`'${display}' is not a valid URL`, {
      hint: `Write ${engine}://user:password@host:port/database (percent-encode special characters in the password)`,
      cause,
    });
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) {
    throw new ConfigError(`'${display}' names no database`, {
      hint: `Append the database name: ${display}/crm`,
    });
  }
  return {
    engine,
    display,
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : engine === 'postgres' ? 5432 : 3306,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    params: Object.fromEntries(parsed.searchParams),
  };
}

/**
 * TLS as PostgreSQL clients read it from a URL: `?sslmode=require` encrypts, `verify-ca` and
 * `verify-full` also check the certificate, `?ssl=true` means verify-full; none, `disable`,
 * `allow` or `prefer`: no TLS.
 */
export function tlsOptions(url: DatabaseUrl): { rejectUnauthorized: boolean } | undefined {
  const mode = url.params.sslmode ?? (url.params.ssl === 'true' ? 'verify-full' : undefined);
  if (mode === undefined || mode === 'disable' || mode === 'prefer' || mode === 'allow') return undefined;
  return { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
}
