import { fill, scratchTable, type MartContext } from '../context.js';
import { ownerKey } from '../manager-activity.js';
import { changedInteractionsSql, INTERACTIONS_VIEW } from './interactions.js';
import { KEPT_FIRST_RESPONSE } from './state.js';

/** Customers whose interactions a refresh found changed: their replies and leads are computed again. */
export const INTERACTION_CUSTOMERS = 'etl_incr_interaction_customer';
/** The (month, owner) cells of mart_manager_activity those interactions fall in. */
export const INTERACTION_CELLS = 'etl_incr_interaction_cell';

/**
 * SQL true for an instant after the earlier of two as-of days and up to the later one: what
 * moving the as-of day from one to the other brings in (or takes out).
 */
export function betweenAsOfDays(ctx: MartContext, previousAsOf: string, instant: string): string {
  const { sql } = ctx;
  const [lo, hi] = [previousAsOf, ctx.asOf].sort();
  return `${instant} IS NOT NULL AND ${sql.daysBetween(instant, `'${lo}'`)} < 0 AND ${sql.daysBetween(instant, `'${hi}'`)} >= 0`;
}

/**
 * After the interaction facts (interactions.ts): the customers and the manager-activity cells of
 * every interaction that counts differently tonight — the facts written again, as they were and
 * as they will be (a reference re-linked moves one between customers; a letter's kept copy can
 * change owner), and, when the as-of day moved, the interactions dated between the two days.
 * Nothing else changes a customer's replies or a cell's counts — but a customer deleted since
 * took its facts with it (the cascade) unseen: on a night a crosswalk row went (link-scope.ts)
 * the customers of the kept first responses no longer in dim_customer count too (a customer with
 * a kept reply has one: the first inbound is at or before the answered one), and every cell is
 * computed again (INTERACTION_CELLS is then not filled: `cells` false).
 */
export async function findChangedInteractions(
  ctx: MartContext,
  previousAsOf: string,
  crosswalkWent: boolean,
): Promise<{ cells: boolean }> {
  const moved = previousAsOf !== ctx.asOf;
  const month = ctx.wh.adapter.dateTrunc('month', 'occurred_at');
  const of = (columns: string) =>
    [
      changedInteractionsSql(columns),
      ...(moved
        ? [
            `SELECT ${columns} FROM ${INTERACTIONS_VIEW} WHERE ${betweenAsOfDays(ctx, previousAsOf, 'occurred_at')}`,
          ]
        : []),
    ].join(' UNION ');
  await scratchTable(ctx, {
    name: INTERACTION_CUSTOMERS,
    columns: [{ name: 'customer_id', type: 'int' }],
    key: ['customer_id'],
  });
  await fill(
    ctx,
    INTERACTION_CUSTOMERS,
    `INSERT INTO ${INTERACTION_CUSTOMERS} (customer_id)
     SELECT customer_id FROM (${of('customer_id')}
       ${crosswalkWent ? `UNION SELECT k.customer_id FROM ${KEPT_FIRST_RESPONSE} k WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = k.customer_id)` : ''}
     ) c WHERE customer_id IS NOT NULL`,
  );
  if (crosswalkWent) return { cells: false };
  await scratchTable(ctx, {
    name: INTERACTION_CELLS,
    columns: [
      { name: 'month', type: 'date' },
      { name: 'owner', type: 'key' },
    ],
  });
  await fill(
    ctx,
    INTERACTION_CELLS,
    `INSERT INTO ${INTERACTION_CELLS} (month, owner)
     SELECT month, owner FROM (${of(`${month} AS month, ${ownerKey('owner')} AS owner`)}) c WHERE month IS NOT NULL`,
  );
  return { cells: true };
}
