import { fill, scratchTable, type MartContext } from '../context.js';
import { fillCells, ownerKey } from '../manager-activity.js';
import { changedInteractionsSql, INTERACTIONS_VIEW } from './interactions.js';
import { KEPT_FIRST_RESPONSE } from './state.js';

/** Customers whose interactions a refresh found changed: their replies and leads are computed again. */
export const INTERACTION_CUSTOMERS = 'etl_incr_interaction_customer';
/** The (month, owner) cells of mart_manager_activity those interactions fall in. */
export const INTERACTION_CELLS = 'etl_incr_interaction_cell';

/** The changed interactions' customer and (month, owner) cell, one row each (a night's few). */
const INTERACTION_CHANGES = 'etl_incr_interaction_change';

/** A 'YYYY-MM-DD' day moved by whole days. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * SQL true for an instant after the earlier of two as-of days and up to the later one: what
 * moving the as-of day from one to the other brings in (or takes out). The calendar days decide
 * (daysBetween, as the marts count up to the as-of day); a plain range around them comes first,
 * so an index on the instant narrows the read to those days.
 */
export function betweenAsOfDays(ctx: MartContext, previousAsOf: string, instant: string): string {
  const { sql } = ctx;
  const [lo, hi] = [previousAsOf, ctx.asOf].sort() as [string, string];
  return `${instant} >= '${lo}' AND ${instant} < '${addDays(hi, 2)}'
    AND ${sql.daysBetween(instant, `'${lo}'`)} < 0 AND ${sql.daysBetween(instant, `'${hi}'`)} >= 0`;
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
 * computed again (INTERACTION_CELLS is then not filled: `cells` false; every interaction is a
 * candidate that night, interactions.ts).
 */
export async function findChangedInteractions(
  ctx: MartContext,
  previousAsOf: string,
  crosswalkWent: boolean,
): Promise<{ cells: boolean }> {
  const moved = previousAsOf !== ctx.asOf;
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
  if (crosswalkWent) {
    await fill(
      ctx,
      INTERACTION_CUSTOMERS,
      `INSERT INTO ${INTERACTION_CUSTOMERS} (customer_id)
       SELECT customer_id FROM (${of('customer_id')}
         UNION SELECT k.customer_id FROM ${KEPT_FIRST_RESPONSE} k
          WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = k.customer_id)
       ) c WHERE customer_id IS NOT NULL`,
    );
    return { cells: false };
  }
  // One read of the changes (the as-of day's between-days part reads fct_interaction's
  // occurred_at index), then the customers and the cells from it.
  await scratchTable(ctx, {
    name: INTERACTION_CHANGES,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'month', type: 'date' },
      { name: 'owner', type: 'key' },
    ],
  });
  const month = ctx.wh.adapter.dateTrunc('month', 'occurred_at');
  await fill(
    ctx,
    INTERACTION_CHANGES,
    `INSERT INTO ${INTERACTION_CHANGES} (customer_id, month, owner)
     ${of(`customer_id, ${month} AS month, ${ownerKey('owner')} AS owner`)}`,
  );
  await fill(
    ctx,
    INTERACTION_CUSTOMERS,
    `INSERT INTO ${INTERACTION_CUSTOMERS} (customer_id)
     SELECT DISTINCT customer_id FROM ${INTERACTION_CHANGES} WHERE customer_id IS NOT NULL`,
  );
  await fillCells(
    ctx,
    INTERACTION_CELLS,
    `SELECT DISTINCT month, owner FROM ${INTERACTION_CHANGES} WHERE month IS NOT NULL`,
  );
  return { cells: true };
}
