import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import type { DatabaseUrl } from '../../../lib/db-url.js';
import type { WarehouseUrl } from '../../url.js';

/** The warehouse's connection: one, as SQLite has one writer at a time. */
export function warehouseConnection(url: WarehouseUrl): Knex.Config {
  const file = url.file ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  };
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
