import { factsOf, fill, scratchTable, type MartContext } from './context.js';
import { keepInPlace } from './keep-in-place.js';
import { upToAsOf } from './manager-activity.js';

/**
 * Each customer's first inbound interaction and the whole seconds from it to the first outbound
 * one at or after it, for the customers answered so: the scoreboard's lead response
 * (scoreboard-actuals.ts), up to the as-of day. One row per customer, so the scoreboard groups
 * a row per customer, and the nightly refresh recomputes the customers whose interactions changed.
 */
export const FIRST_RESPONSE = 'etl_build_first_response';
/** A refresh's rows of FIRST_RESPONSE; FIRST_RESPONSE is then a view of the kept table. */
export const FIRST_RESPONSE_NEW = 'etl_incr_first_response';
const COLUMNS = 'customer_id, first_in, secs';

/** Where the responses come from: a full build reads every interaction; the nightly refresh some. */
export interface ResponseSource {
  /** Customers whose rows are computed again (a table of customer_id); the others' stay in `kept`. */
  customers: string;
  kept: string;
}

export async function buildFirstResponses(ctx: MartContext, from?: ResponseSource): Promise<void> {
  const { sql, wh } = ctx;
  const name = from ? FIRST_RESPONSE_NEW : FIRST_RESPONSE;
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'first_in', type: 'datetime' },
      { name: 'secs', type: 'int' },
    ],
    key: ['customer_id'],
  });
  const fct = factsOf(ctx, 'fct_interaction');
  const only = from ? `AND customer_id IN (SELECT customer_id FROM ${from.customers})` : '';
  await fill(
    ctx,
    name,
    `INSERT INTO ${name} (${COLUMNS})
     SELECT f.customer_id, f.first_in, ${sql.round(wh.adapter.secondsBetween('f.first_in', 'MIN(o.occurred_at)'), 0)}
     FROM (SELECT customer_id, MIN(occurred_at) AS first_in FROM ${fct}
           WHERE direction = 'inbound' AND occurred_at IS NOT NULL AND ${upToAsOf(ctx, 'occurred_at')} ${only}
           GROUP BY customer_id) f
     JOIN ${fct} o ON o.customer_id = f.customer_id AND o.direction = 'outbound'
       AND o.occurred_at >= f.first_in AND ${upToAsOf(ctx, 'o.occurred_at')}
     GROUP BY f.customer_id, f.first_in`,
  );
  if (!from) return;
  await keepInPlace(ctx, FIRST_RESPONSE, {
    kept: from.kept,
    except: from.customers,
    fresh: FIRST_RESPONSE_NEW,
    columns: COLUMNS,
    key: ['customer_id'],
  });
}
