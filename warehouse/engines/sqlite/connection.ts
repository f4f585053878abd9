import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ConnectionError } from '../../../lib/errors.js';
import type { Knex } from 'knex';
import type { DatabaseUrl } from '../../../lib/db-url.js';
import type { WarehouseUrl } from '../../url.js';

/** The warehouse's connection: one, as SQLite has one writer at a time. */
export function warehouseConnection(url: WarehouseUrl): Knex.Config {
  const file = url.file ?? ':memory:';
  if (file !== ':memory:') makeFolders(path.dirname(path.resolve(file)));
  return {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  };
}

/**
 * The warehouse file's folders, created one level at a time: Node's recursive mkdir never returns
 * on a path under /proc (it retries the parent forever), and a user may type any path.
 */
function makeFolders(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeFolders(parent);
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    throw new ConnectionError(`Cannot create the folder ${dir} for the SQLite warehouse`, {
      cause: err,
      hint: `${(err as NodeJS.ErrnoException).code ?? 'error'}: check the path in --db, DATABASE_URL or the config's warehouse`,
    });
  }
}

/** Session setup on the warehouse's connection. */
export function warehouseSession(db: Database.Database): void {
  // WAL lets BI tools read while a pipeline writes; NORMAL sync is durable in WAL mode.
  if (db.name !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
}

/** A source's connection: the file opened read-only (no lock or statement limits to set). */
export function sourceConnection(url: DatabaseUrl): Knex.Config {
  return {
    client: 'better-sqlite3',
    connection: { filename: url.file!, options: { readonly: true } } as Knex.Sqlite3ConnectionConfig,
    useNullAsDefault: true,
    pool: { min: 0, max: 1 },
  };
}
