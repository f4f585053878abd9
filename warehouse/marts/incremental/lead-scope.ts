import { fill, scratchTable, type MartContext } from '../context.js';
import { AFFECTED } from './detect.js';
import { betweenAsOfDays, INTERACTION_CUSTOMERS } from './interaction-scope.js';
import { KEPT_LEAD, linkChanged, markSql } from './state.js';

/** Customers whose lead row (lead-funnel.ts LEAD) a refresh writes again. */
export const LEAD_AFFECTED = 'etl_incr_lead_affected';
/** Of those, the customers whose lead and first contact are found again (the others': conversion only). */
export const LEAD_FOUND_AGAIN = 'etl_incr_lead_found';
/** The affected customers whose first order went, came or changed (first-order.ts, filled by the refresh). */
export const FIRST_ORDER_CHANGED = 'etl_incr_first_order_changed';

/**
 * Fills LEAD_AFFECTED with every customer whose lead row may differ from the kept one. A lead is
 * the customer's earliest record created date, interaction or first order up to the as-of day,
 * its first outbound interaction after that, and its first purchase (conversion and revenue). Of
 * those, LEAD_FOUND_AGAIN are the customers whose lead or first contact may differ:
 * - the customers whose first order went, came or changed (FIRST_ORDER_CHANGED);
 * - the customers of records stamped since the mark (a created date or manager changed), and of
 *   records linked or re-linked since (the customer that gains one: a merge or split re-links
 *   records, so its customers are among these);
 * - the customer whose kept lead came from a record whose link moved since: it lost its lead; on a
 *   night a crosswalk row went, every customer whose kept lead's record is no longer linked to it;
 * - the customers whose interactions changed (interaction-scope.ts: both customers of each fact
 *   written again, and when the as-of day moved those with an interaction between the two days);
 * - when the as-of day moved, those with a record created between the two days;
 * - kept leads of customers no longer in dim_customer (their rows go; only on a night a crosswalk
 *   row went: a deleted customer takes its crosswalk rows with it).
 * Losing any other record or interaction changes no lead: it was not the earliest. The other
 * affected customers of the orders (detect.ts: their orders changed, but not their first one)
 * keep their lead and first contact, and only their conversion is computed again from their
 * first purchase: at a million customers they are nine in ten of a night's affected, and finding
 * their leads again read every record and interaction of theirs (7.4 s of a 93 s refresh). A record
 * deleted from staging is not seen by its stamp: fewer staged records than the last build counted
 * plus the new ones makes the build full (index.ts fallBack).
 */
export async function findLeadCustomers(
  ctx: MartContext,
  previousAsOf: string,
  crosswalkWent: boolean,
): Promise<void> {
  const contacts = `stg_contact c JOIN customer_crosswalk x ON x.source = c.source AND x.source_key = c.source_key`;
  const parts = [
    `SELECT customer_id FROM ${FIRST_ORDER_CHANGED}`,
    `SELECT x.customer_id FROM ${contacts} WHERE c.updated_at > ${markSql('stg_contact')}`,
    `SELECT x.customer_id FROM ${contacts} WHERE ${linkChanged()}`,
    `SELECT k.customer_id FROM customer_crosswalk x JOIN ${KEPT_LEAD} k
       ON k.lead_source = x.source AND k.lead_key = x.source_key WHERE ${linkChanged()}`,
    `SELECT customer_id FROM ${INTERACTION_CUSTOMERS}`,
  ];
  // A crosswalk row deleted (its customer's, by the cascade) or re-linked since: the customers
  // whose kept lead came from a record no longer linked to them.
  // (A customer deleted since took its crosswalk rows with it: the kept leads of deleted customers.)
  if (crosswalkWent) {
    parts.push(
      `SELECT k.customer_id FROM ${KEPT_LEAD} k
        WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = k.customer_id)`,
      `SELECT k.customer_id FROM ${KEPT_LEAD} k WHERE k.lead_key IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM customer_crosswalk x
          WHERE x.source = k.lead_source AND x.source_key = k.lead_key AND x.customer_id = k.customer_id)`,
    );
  }
  if (previousAsOf !== ctx.asOf) {
    parts.push(
      `SELECT x.customer_id FROM ${contacts} WHERE ${betweenAsOfDays(ctx, previousAsOf, 'c.source_created_at')}`,
    );
  }
  for (const name of [LEAD_FOUND_AGAIN, LEAD_AFFECTED]) {
    await scratchTable(ctx, { name, columns: [{ name: 'customer_id', type: 'int' }], key: ['customer_id'] });
  }
  await fill(
    ctx,
    LEAD_FOUND_AGAIN,
    `INSERT INTO ${LEAD_FOUND_AGAIN} (customer_id)
     SELECT customer_id FROM (${parts.join(' UNION ')}) c WHERE customer_id IS NOT NULL`,
  );
  await fill(
    ctx,
    LEAD_AFFECTED,
    `INSERT INTO ${LEAD_AFFECTED} (customer_id)
     SELECT customer_id FROM ${LEAD_FOUND_AGAIN} UNION SELECT customer_id FROM ${AFFECTED}`,
  );
}
