import { bulk, type MartContext } from './context.js';

/**
 * The nightly refresh's per-customer tables: the kept table of the last build is updated in
 * place — the recomputed customers' rows deleted, their new rows (`fresh`) inserted — and the
 * steps read it under the name they know through a plain view (no copy of the other customers'
 * rows, no index built again: both cost like the whole history; a view adding the new rows to
 * the kept ones left the planner blind, and re-read the kept rows on every use).
 * The caller has forgotten the build's `base` first (incremental/refresh.ts): a refresh that dies
 * after this leaves kept tables ahead of the live marts, and the next build is then a full one.
 */
export async function keepInPlace(
  ctx: MartContext,
  view: string,
  from: { kept: string; except: string; fresh: string; columns: string },
): Promise<void> {
  await bulk(ctx, `DELETE FROM ${from.kept} WHERE customer_id IN (SELECT customer_id FROM ${from.except})`);
  await bulk(ctx, `INSERT INTO ${from.kept} (${from.columns}) SELECT ${from.columns} FROM ${from.fresh}`);
  await ctx.wh.knex.raw(`DROP VIEW IF EXISTS ${view}`);
  await ctx.wh.knex.raw(`CREATE VIEW ${view} AS SELECT ${from.columns} FROM ${from.kept}`);
}
