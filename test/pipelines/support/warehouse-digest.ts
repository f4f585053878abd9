import crypto from 'node:crypto';
import type { Warehouse } from '../../../warehouse/connection.js';
import { CONTRACT_TABLES as ALL_CONTRACT_TABLES } from '../../../warehouse/tables.js';

/** DESIGN.md's contract tables, except etl_run (its rows are the runs themselves). */
const CONTRACT_TABLES = ALL_CONTRACT_TABLES.filter((t) => t !== 'etl_run');

/** Columns that say which run wrote a row and when, not what it says. */
export const RUN_COLUMNS: readonly string[] = Object.freeze([
  'run_id',
  'id',
  'loaded_at',
  'updated_at',
  'created_at',
  'linked_at',
  'as_of',
]);

export interface TableDigest {
  rows: number;
  sha256: string;
}

/**
 * Row count and an order-independent checksum of every contract table's content (the `excluded`
 * columns, by default run ids and timestamps, left out), to compare two warehouses on the same engine.
 */
export async function warehouseDigest(
  wh: Warehouse,
  excluded: readonly string[] = RUN_COLUMNS,
): Promise<Record<string, TableDigest>> {
  const skip = new Set(excluded);
  const out: Record<string, TableDigest> = {};
  for (const table of CONTRACT_TABLES) {
    if (!(await wh.knex.schema.hasTable(table))) continue;
    const columns = Object.keys(await wh.knex(table).columnInfo())
      .filter((c) => !skip.has(c))
      .sort();
    const rows = (await wh.knex(table).select(columns)) as Array<Record<string, unknown>>;
    const lines = rows.map((r) => JSON.stringify(columns.map((c) => normalize(r[c])))).sort();
    out[table] = {
      rows: rows.length,
      sha256: crypto.createHash('sha256').update(lines.join('\n')).digest('hex'),
    };
  }
  return out;
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value ?? null;
}
