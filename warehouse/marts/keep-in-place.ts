import type { ScratchSpec } from './build-tables.js';
import { bulk, fill, scratchTable, type MartContext } from './context.js';

/** A kept per-customer table and the recomputed customers' rows that go into it. */
export interface KeptRows {
  /** The kept table (etl_marts_*), keyed by `key`. */
  kept: string;
  /** The customers whose rows were recomputed. */
  except: string;
  /** Their new rows, keyed by `key` too. */
  fresh: string;
  columns: string;
  key: readonly string[];
  /** Text columns: compared by code point (MySQL's collations fold case and trailing spaces). */
  text?: readonly string[];
  /**
   * A table to fill with these columns of the rows written: the old row that went or changed and
   * the new row that came or changed (so a later step knows which customers, or which cells of a
   * grouped mart, moved).
   */
  changed?: { name: string; columns: ScratchSpec['columns'] };
}

/**
 * The nightly refresh's per-customer tables: the kept table of the last build is updated in
 * place — a recomputed customer's row that differs from its new one (or has none) deleted, a new
 * row not there inserted — and the steps read it under the name they know through a plain view
 * (no copy of the other customers' rows, no index built again: both cost like the whole history;
 * a view adding the new rows to the kept ones left the planner blind, and re-read the kept rows
 * on every use). Only differing rows are written: most of a recomputed customer's months, and
 * its first order, are as they were, and deleting and inserting them all again (PostgreSQL, 1M
 * customers: ~600,000 of 6M months a night) cost like those customers' whole history, in index
 * maintenance and dead rows the next reads step over.
 * The caller has forgotten the build's `base` first (incremental/refresh.ts): a refresh that dies
 * after this leaves kept tables ahead of the live marts, and the next build is then a full one.
 */
export async function keepInPlace(ctx: MartContext, view: string, from: KeptRows): Promise<void> {
  const { sql } = ctx;
  const text = new Set(from.text ?? []);
  const same = (c: string) => sql.same(`n.${c}`, `o.${c}`, text.has(c));
  const columns = from.columns.split(',').map((c) => c.trim());
  const keyMatch = (alias: string) => from.key.map((c) => `${alias}.${c} = n.${c}`).join(' AND ');
  const identical = [keyMatch('o'), ...columns.filter((c) => !from.key.includes(c)).map(same)].join(' AND ');
  const differing = `NOT EXISTS (SELECT 1 FROM ${from.fresh} n WHERE ${identical})`;
  const added = `NOT EXISTS (SELECT 1 FROM ${from.kept} k WHERE ${keyMatch('k')})`;
  // Read before the writes: the rows about to go, and the new rows not there yet.
  if (from.changed) {
    const { name, columns: changedColumns } = from.changed;
    const list = changedColumns.map((c) => c.name);
    await scratchTable(ctx, { name, columns: changedColumns });
    await fill(
      ctx,
      name,
      `INSERT INTO ${name} (${list.join(', ')})
       SELECT ${list.map((c) => `o.${c}`).join(', ')} FROM ${from.kept} o
        WHERE o.customer_id IN (SELECT customer_id FROM ${from.except}) AND ${differing}
       UNION SELECT ${list.map((c) => `n.${c}`).join(', ')} FROM ${from.fresh} n
        WHERE NOT EXISTS (SELECT 1 FROM ${from.kept} o WHERE ${identical})`,
    );
  }
  await bulk(
    ctx,
    ctx.wh.adapter.deleteByKeys(
      from.kept,
      'o',
      'customer_id',
      `SELECT customer_id AS k FROM ${from.except}`,
      differing,
    ),
  );
  // A new row whose key is still there is the identical row the delete left.
  await bulk(
    ctx,
    `INSERT INTO ${from.kept} (${from.columns}) SELECT ${from.columns} FROM ${from.fresh} n WHERE ${added}`,
  );
  await ctx.wh.knex.raw(`DROP VIEW IF EXISTS ${view}`);
  await ctx.wh.knex.raw(`CREATE VIEW ${view} AS SELECT ${from.columns} FROM ${from.kept}`);
}
