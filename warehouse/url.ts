import { createHash } from 'node:crypto';
import { parseDatabaseUrl, type DatabaseUrl, type UrlRole } from '../lib/db-url.js';

export { redactUrl, type EngineName } from '../lib/db-url.js';

/** The warehouse's location, parsed from `--db` / `DATABASE_URL` / the config's `warehouse`. */
export type WarehouseUrl = DatabaseUrl;

export const DEFAULT_WAREHOUSE_URL = 'sqlite:data/warehouse.db';

export const WAREHOUSE_ROLE: UrlRole = Object.freeze({ what: 'warehouse', where: '--db or DATABASE_URL' });

export function parseWarehouseUrl(raw: string): WarehouseUrl {
  return parseDatabaseUrl(raw, WAREHOUSE_ROLE);
}

/** Which warehouse a URL names, without its password: what the receiver's spool was written for. */
export interface WarehouseIdentity {
  engine: string;
  /** sha256 of the engine and the location (file, or user@host:port/database). */
  id: string;
  /** The URL with any password as `***`: safe to print. */
  display: string;
}

export function warehouseIdentity(url: WarehouseUrl): WarehouseIdentity {
  const where =
    url.engine === 'sqlite' ? url.file : `${url.user ?? ''}@${url.host}:${url.port}/${url.database}`;
  return {
    engine: url.engine,
    id: createHash('sha256').update(`${url.engine}\u001f${where}`).digest('hex'),
    display: url.display,
  };
}
