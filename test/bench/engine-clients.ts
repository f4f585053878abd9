import { execFileSync, type StdioOptions } from 'node:child_process';
import { parseWarehouseUrl } from '../../warehouse/url.js';

/**
 * The engines' own command-line clients, the baselines the benchmarks measure against: one SQL
 * text (or sqlite3 dot-commands) run against the database a URL names.
 */
export function psql(url: string, sql: string, stdio: StdioOptions = 'inherit'): void {
  const u = parseWarehouseUrl(url);
  execFileSync(
    'psql',
    [
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      u.host!,
      '-p',
      String(u.port),
      '-U',
      u.user ?? 'postgres',
      '-d',
      u.database!,
      '-c',
      sql,
    ],
    { stdio },
  );
}

/** `extra` client options, e.g. --local-infile=1 or --batch --quick. */
export function mariadb(
  url: string,
  sql: string,
  extra: string[] = [],
  stdio: StdioOptions = 'inherit',
): void {
  const u = parseWarehouseUrl(url);
  execFileSync(
    'mariadb',
    [...extra, '-h', u.host!, '-P', String(u.port), '-u', u.user ?? 'root', u.database!, '-e', sql],
    { stdio },
  );
}

export function sqlite3(url: string, commands: string[], stdio: StdioOptions = 'inherit'): void {
  execFileSync('sqlite3', [parseWarehouseUrl(url).file!, ...commands], { stdio });
}
