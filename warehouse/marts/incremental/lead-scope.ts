import { fill, scratchTable, type MartContext } from '../context.js';
import { AFFECTED } from './detect.js';
import { changedInteractionCustomersSql, INTERACTIONS_VIEW } from './interactions.js';
import { KEPT_LEAD, linkChanged, markSql } from './state.js';

/** Customers whose lead (lead-funnel.ts LEAD) a refresh computes again. */
export const LEAD_AFFECTED = 'etl_incr_lead_affected';

/**
 * Fills LEAD_AFFECTED with every customer whose lead row may differ from the kept one. A lead is
 * the customer's earliest record created date, interaction or first order up to the as-of day,
 * its first outbound interaction after that, and its first purchase; so:
 * - the affected customers of the orders (detect.ts: orders, links, merges, splits, and orders
 *   between the last as-of day and this one);
 * - the customers of records stamped since the mark (a created date or manager changed);
 * - the customer whose kept lead came from a record whose link moved since: it lost its lead
 *   (the new customer is among the affected by its link); on a night a crosswalk row went, every
 *   customer whose kept lead's record is no longer linked to it;
 * - both customers of each interaction fact written again (interactions.ts);
 * - when the as-of day moved, those with a record created or an interaction between the two days;
 * - kept leads of customers no longer in dim_customer (their rows go).
 * Losing any other record or interaction changes no lead: it was not the earliest. A record
 * deleted from staging is not seen by its stamp: fewer staged records than the last build counted
 * plus the new ones makes the build full (index.ts fallBack).
 */
export async function findLeadCustomers(
  ctx: MartContext,
  previousAsOf: string,
  crosswalkWent: boolean,
): Promise<void> {
  const { sql } = ctx;
  const contacts = `stg_contact c JOIN customer_crosswalk x ON x.source = c.source AND x.source_key = c.source_key`;
  const parts = [
    `SELECT customer_id FROM ${AFFECTED}`,
    `SELECT x.customer_id FROM ${contacts} WHERE c.updated_at > ${markSql('stg_contact')}`,
    `SELECT k.customer_id FROM customer_crosswalk x JOIN ${KEPT_LEAD} k
       ON k.lead_source = x.source AND k.lead_key = x.source_key WHERE ${linkChanged()}`,
    changedInteractionCustomersSql(),
    `SELECT k.customer_id FROM ${KEPT_LEAD} k
      WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = k.customer_id)`,
  ];
  // A crosswalk row deleted (its customer's, by the cascade) or re-linked since: the customers
  // whose kept lead came from a record no longer linked to them.
  if (crosswalkWent) {
    parts.push(
      `SELECT k.customer_id FROM ${KEPT_LEAD} k WHERE k.lead_key IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM customer_crosswalk x
          WHERE x.source = k.lead_source AND x.source_key = k.lead_key AND x.customer_id = k.customer_id)`,
    );
  }
  if (previousAsOf !== ctx.asOf) {
    const [lo, hi] = [previousAsOf, ctx.asOf].sort();
    const between = (instant: string) =>
      `${instant} IS NOT NULL AND ${sql.daysBetween(instant, `'${lo}'`)} < 0 AND ${sql.daysBetween(instant, `'${hi}'`)} >= 0`;
    parts.push(
      `SELECT x.customer_id FROM ${contacts} WHERE ${between('c.source_created_at')}`,
      `SELECT customer_id FROM ${INTERACTIONS_VIEW} WHERE ${between('occurred_at')}`,
    );
  }
  await scratchTable(ctx, {
    name: LEAD_AFFECTED,
    columns: [{ name: 'customer_id', type: 'int' }],
    key: ['customer_id'],
  });
  await fill(
    ctx,
    LEAD_AFFECTED,
    `INSERT INTO ${LEAD_AFFECTED} (customer_id)
     SELECT customer_id FROM (${parts.join(' UNION ')}) c WHERE customer_id IS NOT NULL`,
  );
}
