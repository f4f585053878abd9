import { build } from './build-tables.js';
import { BUYER } from './buyers.js';
import { bulk, fill, scratchTable, type MartContext } from './context.js';
import { rfmSegmentJoin } from './rfm.js';
import { inBase } from './currency.js';
import { keepInPlace } from './keep-in-place.js';
import { present } from './sql.js';

export const SPEND = 'etl_build_spend';
export const SPEND_MATCH = 'etl_build_spend_match';
/** In a refresh: the recomputed customers' matches; SPEND_MATCH is then a view of the kept table. */
export const SPEND_MATCH_NEW = 'etl_incr_spend_match';
const SPEND_COLUMNS = 'spend_id, cents, channel, period_start, period_end, start_month, end_month';
export const CUSTOMER_GROUP = 'etl_build_customer_group';
/** In a refresh: the regrouped customers' rows; CUSTOMER_GROUP is then a view of the kept table. */
export const CUSTOMER_GROUP_NEW = 'etl_incr_customer_group';
/** In a refresh: the customers whose group row may differ from the kept one. */
const GROUP_CHANGED = 'etl_incr_group_changed';
export const CUSTOMER_GROUP_COLUMNS = 'customer_id, segment, region, owner, revenue, cost';

/** Where a refresh's group rows come from: the kept table of the last build, updated in place. */
export interface GroupSource {
  kept: string;
  /** Customers whose buyer row was recomputed (their revenue, cost or existence changed). */
  affected: string;
  /** SQL: the customers whose golden record (region, city, owner) changed since the last build. */
  changedCustomers: string;
  /** The last build's spend rows (SPEND) and which customers each matched (SPEND_MATCH), kept. */
  keptSpend: string;
  keptMatch: string;
}

/**
 * Which new customers each marketing spend row paid for: those whose first revenue order is on
 * the spend's channel (a spend without a channel: any channel) within its period — period_start
 * to period_end, or the calendar month of period_start when there is no end.
 *
 * A match depends only on the spend row and the customer's buyer row (first order's day and
 * channel). So a refresh whose spend rows are the last build's, as they usually are (spend is
 * entered a few times a month; a moved as-of day or changed rates change them), matches only the
 * recomputed customers and updates the kept matches in place (keep-in-place.ts), instead of
 * matching every buyer again (1M customers: ~750,000 matches, with their key and index, a night).
 */
async function matchSpend(ctx: MartContext, from?: GroupSource): Promise<void> {
  const { sql } = ctx;
  // Spend in the base currency by the rate of its first month.
  const money = inBase(ctx, 's', sql.monthIndex('s.period_start'));
  await scratchTable(ctx, {
    name: SPEND,
    columns: [
      { name: 'spend_id', type: 'int' },
      { name: 'cents', type: 'int' },
      { name: 'channel', type: 'key' },
      { name: 'period_start', type: 'date' },
      { name: 'period_end', type: 'date' },
      { name: 'start_month', type: 'int' },
      { name: 'end_month', type: 'int' },
    ],
    key: ['spend_id'],
  });
  await fill(
    ctx,
    SPEND,
    `
    INSERT INTO ${SPEND} (${SPEND_COLUMNS})
    SELECT ROW_NUMBER() OVER (ORDER BY ${sql.sortKey('s.source')}, ${sql.sortKey('s.source_key')}),
      ${sql.round(`${money.amount('amount')} * 100`, 0)}, s.channel, s.period_start, s.period_end, ${sql.monthIndex('s.period_start')},
      ${sql.monthIndex('COALESCE(s.period_end, s.period_start)')}
    FROM stg_spend s ${money.join}
    WHERE s.amount IS NOT NULL AND s.period_start IS NOT NULL AND s.period_start <= '${ctx.asOf}'`,
  );
  const kept = from !== undefined && (await sameSpend(ctx, from.keptSpend));
  const name = kept ? SPEND_MATCH_NEW : SPEND_MATCH;
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'spend_id', type: 'int' },
      { name: 'customer_id', type: 'int' },
    ],
    key: ['spend_id', 'customer_id'],
    indexes: kept ? [] : [['customer_id']],
  });
  const only = from && kept ? `JOIN ${from.affected} x ON x.customer_id = b.customer_id` : '';
  // The months bound the period (an index range on (channel, first_month)); the days decide.
  const inPeriod = `b.first_month BETWEEN s.start_month AND s.end_month AND b.first_date >= s.period_start
      AND ((s.period_end IS NOT NULL AND b.first_date <= s.period_end)
      OR (s.period_end IS NULL AND b.first_month = s.start_month))`;
  // Two statements, so each join can use the (channel, first_month) index instead of an OR.
  await bulk(
    ctx,
    `INSERT INTO ${name} (spend_id, customer_id)
    SELECT s.spend_id, b.customer_id FROM ${SPEND} s JOIN ${BUYER} b ON b.channel = s.channel AND ${inPeriod} ${only}
    WHERE ${present('s.channel')}`,
  );
  await fill(
    ctx,
    name,
    `INSERT INTO ${name} (spend_id, customer_id)
    SELECT s.spend_id, b.customer_id FROM ${SPEND} s JOIN ${BUYER} b ON ${inPeriod} ${only}
    WHERE NOT ${present('s.channel')}`,
  );
  if (!from) return;
  if (kept) {
    await keepInPlace(ctx, SPEND_MATCH, {
      kept: from.keptMatch,
      except: from.affected,
      fresh: SPEND_MATCH_NEW,
      columns: 'spend_id, customer_id',
      key: ['spend_id', 'customer_id'],
    });
    return;
  }
  // Spend changed: every match was made again; the kept tables take them whole.
  ctx.notes.push(
    'Profitability: marketing spend changed since the last build (rows, amounts or as-of day): every buyer matched to it again',
  );
  for (const [target, source, columns] of [
    [from.keptSpend, SPEND, SPEND_COLUMNS],
    [from.keptMatch, SPEND_MATCH, 'spend_id, customer_id'],
  ] as const) {
    await bulk(ctx, `DELETE FROM ${target}`);
    await bulk(ctx, `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${source}`);
  }
}

/** Whether the spend rows just built are the kept ones, column for column (text by code point). */
async function sameSpend(ctx: MartContext, kept: string): Promise<boolean> {
  const { sql, wh } = ctx;
  const columns = SPEND_COLUMNS.split(', ').filter((c) => c !== 'spend_id');
  const [row] = wh.adapter.rows(
    await wh.knex.raw(
      `SELECT (SELECT COUNT(*) FROM ${SPEND}) AS built, (SELECT COUNT(*) FROM ${kept}) AS kept,
        (SELECT COUNT(*) FROM ${SPEND} n JOIN ${kept} k ON k.spend_id = n.spend_id
         AND ${columns.map((c) => sql.same(`n.${c}`, `k.${c}`, c === 'channel')).join(' AND ')}) AS same`,
    ),
  );
  const built = Number(row?.built);
  return built === Number(row?.kept) && built === Number(row?.same);
}

/**
 * mart_segment_profitability by RFM segment, region (else city) and owner ('' = unknown) over
 * the customers with revenue up to the as-of day. cost counts unknown costs as 0; margin =
 * revenue − cost; acquisition_cost = each spend row's amount shared equally among the new
 * customers it matched (per group: cents·k/n rounded to a cent, so all engines add the same
 * integers); profit = margin − acquisition_cost.
 */
export async function buildProfitability(ctx: MartContext, from?: GroupSource): Promise<void> {
  const { sql, wh } = ctx;
  await matchSpend(ctx, from);
  await buildCustomerGroups(ctx, from);
  const margin = 'g.revenue - g.cost';
  const acquisition = 'COALESCE(a.acquisition, 0)';
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_segment_profitability')}
      (segment, region, owner, customers, revenue, cost, margin, acquisition_cost, profit, profit_per_customer)
    SELECT g.segment, g.region, g.owner, g.customers, g.revenue, g.cost, ${sql.round(margin)}, ${acquisition},
      ${sql.round(`${margin} - ${acquisition}`)}, ${sql.round(sql.ratio(`${margin} - ${acquisition}`, 'g.customers'))}
    FROM (
      SELECT segment, region, owner, COUNT(*) AS customers, ${sql.round('SUM(revenue)')} AS revenue, ${sql.round('SUM(cost)')} AS cost
      FROM ${CUSTOMER_GROUP} GROUP BY segment, region, owner
    ) g
    LEFT JOIN (
      SELECT gs.segment, gs.region, gs.owner, ${sql.ratio(`SUM(${sql.round(sql.ratio('s.cents * gs.k', 'sn.n'), 0)})`, '100')} AS acquisition
      FROM (
        SELECT c.segment, c.region, c.owner, m.spend_id, COUNT(*) AS k
        FROM ${SPEND_MATCH} m JOIN ${CUSTOMER_GROUP} c ON c.customer_id = m.customer_id
        GROUP BY c.segment, c.region, c.owner, m.spend_id
      ) gs
      JOIN (SELECT spend_id, COUNT(*) AS n FROM ${SPEND_MATCH} GROUP BY spend_id) sn ON sn.spend_id = gs.spend_id
      JOIN ${SPEND} s ON s.spend_id = gs.spend_id
      GROUP BY gs.segment, gs.region, gs.owner
    ) a ON a.segment = g.segment AND a.region = g.region AND a.owner = g.owner`,
  );

  const [unmatched] = wh.adapter.rows(
    await wh.knex.raw(
      `SELECT COUNT(*) AS n, COALESCE(SUM(cents), 0) AS cents FROM ${SPEND} s WHERE NOT EXISTS (SELECT 1 FROM ${SPEND_MATCH} m WHERE m.spend_id = s.spend_id)`,
    ),
  );
  if (Number(unmatched?.n) > 0) {
    ctx.notes.push(
      `Profitability: ${Number(unmatched?.n)} marketing spend rows (${(Number(unmatched?.cents) / 100).toFixed(2)}) brought no new customer on their channel and period; they count in CAC but in no segment's acquisition cost`,
    );
  }
}

/**
 * Each customer's group (segment, region else city, owner) with its revenue and cost: the groups'
 * sums are one pass over this table, not a join of the buyers with the golden records and the
 * RFM segments. A refresh recomputes the rows of the customers whose group or sums may have moved
 * — the affected ones, those whose RFM segment moved (rescored with a cut point; when RFM is
 * written whole its build table holds every customer, so the segment is compared, not the row's
 * presence) and those whose golden record changed — and puts them in the last build's kept table in place
 * (keep-in-place.ts), so it reads a row per changed customer rather than joining every customer's
 * (1M customers: 10.4 s for the step, most of it this table filled whole).
 */
async function buildCustomerGroups(ctx: MartContext, from?: GroupSource): Promise<void> {
  const name = from ? CUSTOMER_GROUP_NEW : CUSTOMER_GROUP;
  let customers = '';
  if (from) {
    await scratchTable(ctx, {
      name: GROUP_CHANGED,
      columns: [{ name: 'customer_id', type: 'int' }],
      key: ['customer_id'],
    });
    await fill(
      ctx,
      GROUP_CHANGED,
      `INSERT INTO ${GROUP_CHANGED} (customer_id)
       SELECT customer_id FROM ${from.affected}
       UNION SELECT r.customer_id FROM ${build('mart_customer_rfm')} r
         LEFT JOIN ${from.kept} g ON g.customer_id = r.customer_id
         WHERE g.customer_id IS NULL OR g.segment <> COALESCE(r.segment, '')
       UNION SELECT customer_id FROM (${from.changedCustomers}) d`,
    );
    customers = `JOIN ${GROUP_CHANGED} x ON x.customer_id = b.customer_id`;
  }
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'segment', type: 'key' },
      { name: 'region', type: 'key' },
      { name: 'owner', type: 'key' },
      { name: 'revenue', type: 'money' },
      { name: 'cost', type: 'money' },
    ],
    key: ['customer_id'],
  });
  const rfm = rfmSegmentJoin(ctx, 'b.customer_id');
  await fill(
    ctx,
    name,
    `
    INSERT INTO ${name} (${CUSTOMER_GROUP_COLUMNS})
    SELECT b.customer_id, COALESCE(${rfm.segment}, ''),
      SUBSTR(CASE WHEN ${present('d.region')} THEN d.region WHEN ${present('d.city')} THEN d.city ELSE '' END, 1, 255),
      SUBSTR(CASE WHEN ${present('d.owner')} THEN d.owner ELSE '' END, 1, 255), b.revenue, b.cost
    FROM ${BUYER} b ${customers} JOIN dim_customer d ON d.customer_id = b.customer_id
    ${rfm.join}`,
  );
  if (!from) return;
  await keepInPlace(ctx, CUSTOMER_GROUP, {
    kept: from.kept,
    except: GROUP_CHANGED,
    fresh: CUSTOMER_GROUP_NEW,
    columns: CUSTOMER_GROUP_COLUMNS,
    key: ['customer_id'],
    text: ['segment', 'region', 'owner'],
  });
}
