import { build } from './build-tables.js';
import { BUYER } from './buyers.js';
import { bulk, factsOf, fill, scratchTable, type MartContext } from './context.js';
import { buildFirstOrders, FIRST_ORDER, hasFirstOrders } from './first-order.js';
import { upToAsOf } from './manager-activity.js';
import { keepInPlace } from './keep-in-place.js';
import { percentilesSql } from './percentile.js';

/** Each customer's lead with its first contact and conversion: read by the mart and the scoreboard. */
export const LEAD = 'etl_build_lead';
/** A refresh's rows of LEAD for the customers it recomputes; LEAD is then a view of the kept table. */
export const LEAD_NEW = 'etl_incr_lead';
const LEAD_COLUMNS =
  'customer_id, lead_at, month, channel, owner, lead_source, lead_key, secs, converted, revenue';

/** Where the leads come from: a full build computes every customer's; the nightly refresh some. */
export interface LeadSource {
  /** Customers whose rows are written again (a table of customer_id); the others' stay in `kept`. */
  only: string;
  /**
   * Of those, the customers whose lead and first contact are found again; the others' come from
   * `kept`, with their conversion and its revenue computed again (their first purchase changed).
   */
  found: string;
  kept: string;
}
const LEAD_FIRST = 'etl_build_lead_first';
const LEAD_CONTACT = 'etl_build_lead_contact';

/** SQL: `expr` as a key column, '' when unknown or empty. */
const keyOf = (expr: string) => `SUBSTR(COALESCE(${expr}, ''), 1, 255)`;

/**
 * A customer's lead is the earliest thing the sources date for them, never the load time (the same
 * instant the scoreboard's `leads` counts): the record's created / submitted date
 * (stg_contact.source_created_at: a form, a CRM's created date), a web lead or any other
 * interaction, or an order. Its channel is where that first fact came from: the UTM source, else
 * the form, else (orders) the order's channel, else the source's name; its owner the manager
 * named on it. Ties on the instant go to interactions (a web lead and the contact the receiver
 * stages for it share the instant: the lead's UTM source wins), then created dates, then orders,
 * then the channel in code point order (same-day orders: then the owner), then the record's key,
 * then the interaction's id (so the row is the same on every run, and for a refresh that reads
 * some customers only).
 * Nothing after the as-of day counts. lead_source / lead_key name the record that made the lead,
 * when a record did: a refresh finds the customer that loses it when its link moves
 * (incremental/lead-scope.ts). With `only`, the customers of that table only.
 */
async function firstLeads(ctx: MartContext, only?: string): Promise<void> {
  const { sql, wh } = ctx;
  const of = (column: string, word = 'AND') =>
    only ? `${word} ${column} IN (SELECT customer_id FROM ${only})` : '';
  // Orders come as each customer's first one (first-order.ts), one row per customer.
  if (!hasFirstOrders(ctx)) await buildFirstOrders(ctx);
  await scratchTable(ctx, {
    name: LEAD_FIRST,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'lead_at', type: 'datetime' },
      { name: 'month', type: 'date' },
      { name: 'channel', type: 'key' },
      { name: 'owner', type: 'key' },
      { name: 'lead_source', type: 'key' },
      { name: 'lead_key', type: 'key' },
    ],
    key: ['customer_id'],
  });
  const present = (c: string) => `NULLIF(${c}, '')`;
  await fill(
    ctx,
    LEAD_FIRST,
    `
    INSERT INTO ${LEAD_FIRST} (customer_id, lead_at, month, channel, owner, lead_source, lead_key)
    SELECT customer_id, at, ${wh.adapter.dateTrunc('month', 'at')}, ${keyOf('channel')}, ${keyOf('owner')},
      lead_source, lead_key FROM (
      SELECT customer_id, at, channel, owner, lead_source, lead_key, tie,
        ROW_NUMBER() OVER (PARTITION BY customer_id
          ORDER BY at, kind, ${sql.sortKey('channel')}, ${sql.sortKey(`COALESCE(lead_key, '')`)},
            ${sql.sortKey(`COALESCE(tie, '')`)}) AS rn
      FROM (
        SELECT x.customer_id, c.source_created_at AS at, 1 AS kind, c.source AS channel, c.owner AS owner,
            c.source AS lead_source, c.source_key AS lead_key, NULL AS tie
          FROM stg_contact c JOIN customer_crosswalk x ON x.source = c.source AND x.source_key = c.source_key
         WHERE c.source_created_at IS NOT NULL AND ${upToAsOf(ctx, 'c.source_created_at')} ${of('x.customer_id')}
        UNION ALL
        SELECT customer_id, occurred_at, 0, COALESCE(${present('utm_source')}, ${present('form')}, source), owner,
            NULL, NULL, interaction_id
          FROM ${factsOf(ctx, 'fct_interaction')}
         WHERE occurred_at IS NOT NULL AND ${upToAsOf(ctx, 'occurred_at')} ${of('customer_id')}
        UNION ALL
        SELECT customer_id, order_date, 2, channel, owner, NULL, NULL, NULL FROM ${FIRST_ORDER}
         ${of('customer_id', 'WHERE')}
      ) e
    ) f WHERE rn = 1`,
  );
}

/** The first outbound interaction after each lead (a reply, a logged call), and who made it. */
async function firstContacts(ctx: MartContext): Promise<void> {
  const { sql, wh } = ctx;
  await scratchTable(ctx, {
    name: LEAD_CONTACT,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'contact_owner', type: 'key' },
      { name: 'secs', type: 'int' },
    ],
    key: ['customer_id'],
  });
  await fill(
    ctx,
    LEAD_CONTACT,
    `
    INSERT INTO ${LEAD_CONTACT} (customer_id, contact_owner, secs)
    SELECT customer_id, contact_owner, secs FROM (
      SELECT l.customer_id, ${keyOf('o.owner')} AS contact_owner,
        ${sql.round(wh.adapter.secondsBetween('l.lead_at', 'o.occurred_at'), 0)} AS secs,
        ROW_NUMBER() OVER (PARTITION BY l.customer_id ORDER BY o.occurred_at, ${sql.sortKey('o.interaction_id')}) AS rn
      FROM ${LEAD_FIRST} l
      JOIN ${factsOf(ctx, 'fct_interaction')} o ON o.customer_id = l.customer_id AND o.direction = 'outbound'
        AND o.occurred_at > l.lead_at AND ${upToAsOf(ctx, 'o.occurred_at')}
    ) c WHERE rn = 1`,
  );
}

/**
 * mart_lead_funnel, per month of the lead × channel × owner (the lead's manager, else the one who
 * first contacted it, '' unknown): leads; contacted (an outbound interaction after the lead);
 * median and 90th-percentile hours to that first contact (percentile_cont, identical on every
 * engine); converted (the customer's first revenue order on the lead's day or at most
 * `funnel.conversionDays` days after it: a customer who had bought before the lead is no
 * conversion); conversion rate; revenue of the converted up to the as-of day, in the base
 * currency.
 */
export async function buildLeadFunnel(ctx: MartContext, from?: LeadSource): Promise<void> {
  const { sql } = ctx;
  await firstLeads(ctx, from?.found);
  await firstContacts(ctx);
  const name = from ? LEAD_NEW : LEAD;
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'lead_at', type: 'datetime' },
      { name: 'month', type: 'date' },
      { name: 'channel', type: 'key' },
      { name: 'owner', type: 'key' },
      { name: 'lead_source', type: 'key' },
      { name: 'lead_key', type: 'key' },
      { name: 'secs', type: 'int' },
      { name: 'converted', type: 'int' },
      { name: 'revenue', type: 'money' },
    ],
    key: ['customer_id'],
    indexes: from ? [] : [['month']],
  });
  const days = sql.daysBetween('l.lead_at', 'b.first_date');
  const converted = `b.customer_id IS NOT NULL AND ${days} BETWEEN 0 AND ${ctx.funnel.conversionDays}`;
  const conversion = `CASE WHEN ${converted} THEN 1 ELSE 0 END, CASE WHEN ${converted} THEN b.revenue ELSE 0 END`;
  const found = `
    SELECT l.customer_id, l.lead_at, l.month, l.channel, COALESCE(NULLIF(l.owner, ''), c.contact_owner, ''),
      l.lead_source, l.lead_key, c.secs, ${conversion}
    FROM ${LEAD_FIRST} l
    LEFT JOIN ${LEAD_CONTACT} c ON c.customer_id = l.customer_id
    LEFT JOIN ${BUYER} b ON b.customer_id = l.customer_id`;
  // The customers whose lead and first contact stand: their kept row, converted again (a
  // customer gone since has none).
  const kept = from
    ? `
    UNION ALL SELECT l.customer_id, l.lead_at, l.month, l.channel, l.owner, l.lead_source, l.lead_key, l.secs,
      ${conversion}
    FROM ${from.kept} l
    LEFT JOIN ${BUYER} b ON b.customer_id = l.customer_id
    WHERE l.customer_id IN (SELECT customer_id FROM ${from.only})
      AND NOT EXISTS (SELECT 1 FROM ${from.found} f WHERE f.customer_id = l.customer_id)
      AND EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = l.customer_id)`
    : '';
  await fill(ctx, name, `INSERT INTO ${name} (${LEAD_COLUMNS}) ${found} ${kept}`);
  // A refresh puts its customers' rows in the kept table in place of their old ones; LEAD is then
  // a view of it (keep-in-place.ts), read by the mart below and the scoreboard.
  if (from) {
    await keepInPlace(ctx, LEAD, {
      kept: from.kept,
      except: from.only,
      fresh: LEAD_NEW,
      columns: LEAD_COLUMNS,
      key: ['customer_id'],
      text: ['channel', 'owner', 'lead_source', 'lead_key'],
    });
  }
  const hours = (col: string) => sql.round(sql.ratio(col, '3600'), 2);
  const contacted = `(SELECT month, channel, owner, secs FROM ${LEAD} WHERE secs IS NOT NULL) c`;
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_lead_funnel')}
      (month, channel, owner, leads, contacted, first_contact_hours_median, first_contact_hours_p90, converted,
       conversion_rate, converted_revenue)
    SELECT g.month, g.channel, g.owner, g.leads, g.contacted, ${hours('p.p50')}, ${hours('p.p90')}, g.converted,
      ${sql.round(sql.ratio('g.converted', 'g.leads'), 4)}, g.revenue
    FROM (
      SELECT month, channel, owner, COUNT(*) AS leads, COUNT(secs) AS contacted, SUM(converted) AS converted,
        ${sql.round('SUM(revenue)')} AS revenue
      FROM ${LEAD} GROUP BY month, channel, owner
    ) g
    LEFT JOIN (${percentilesSql(sql, contacted, ['month', 'channel', 'owner'], 'secs', { p50: 50, p90: 90 })}) p
      ON p.month = g.month AND p.channel = g.channel AND p.owner = g.owner`,
  );
}
