import { bulk, type MartContext } from './context.js';

/**
 * The nightly refresh's per-customer tables: the rows kept from the last build of the customers
 * not recomputed, plus the recomputed customers' rows, as a view under the name the steps read —
 * nothing copied (copying the kept rows and indexing them again cost like the whole history).
 * Views, not scratch tables: the refresh drops them (dropKeptViews) before the tables they read.
 */
export async function keptView(
  ctx: MartContext,
  view: string,
  from: { kept: string; except: string; fresh: string; columns: string },
): Promise<void> {
  await ctx.wh.knex.raw(`DROP VIEW IF EXISTS ${view}`);
  await bulk(
    ctx,
    `CREATE VIEW ${view} AS
     SELECT ${from.columns} FROM ${from.kept} k
      WHERE NOT EXISTS (SELECT 1 FROM ${from.except} e WHERE e.customer_id = k.customer_id)
     UNION ALL SELECT ${from.columns} FROM ${from.fresh}`,
  );
}
