import { parseDatabaseUrl, type DatabaseUrl, type UrlRole } from '../lib/db-url.js';

export { redactUrl, type EngineName } from '../lib/db-url.js';

/** The warehouse's location, parsed from `--db` / `DATABASE_URL` / the config's `warehouse`. */
export type WarehouseUrl = DatabaseUrl;

export const DEFAULT_WAREHOUSE_URL = 'sqlite:data/warehouse.db';

export const WAREHOUSE_ROLE: UrlRole = Object.freeze({ what: 'warehouse', where: '--db or DATABASE_URL' });

export function parseWarehouseUrl(raw: string): WarehouseUrl {
  return parseDatabaseUrl(raw, WAREHOUSE_ROLE);
}
