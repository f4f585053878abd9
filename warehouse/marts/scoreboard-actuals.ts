import { build } from './build-tables.js';
import { BUYER, customerPeriods } from './buyers.js';
import { revenueFilter, type MartContext } from './context.js';
import { MONTHS_PER_PERIOD } from './periods.js';
import { monthIndexOf } from './sql.js';

/** Per-period aggregates the engine computes for the scoreboard (a few rows per period). */
export interface PeriodFacts {
  active: number;
  newCustomers: number;
  /** Customers active in this period and the one before. */
  retained: number;
  revenue: number;
  margin: number;
  spend: number;
  leads: number;
  /** First inbound contacts answered, and the sum of their whole-second response times. */
  answered: number;
  responseSeconds: number;
}

/** Snapshot aggregates: the state of the warehouse now. */
export interface SnapshotFacts {
  customers: number;
  sourceRecords: number;
  /** Filled key fields (name, email, phone, address) summed over customers: 4 per complete customer. */
  filledFields: number;
  predictedClvCustomers: number;
  predictedClvSum: number;
  /** Per RFM segment ('' = all customers). */
  profit: Array<{ segment: string; customers: number; profit: number }>;
}

const EMPTY: PeriodFacts = {
  active: 0,
  newCustomers: 0,
  retained: 0,
  revenue: 0,
  margin: 0,
  spend: 0,
  leads: 0,
  answered: 0,
  responseSeconds: 0,
};

export async function periodFacts(ctx: MartContext): Promise<Map<number, PeriodFacts>> {
  const { sql, wh } = ctx;
  const k = MONTHS_PER_PERIOD[ctx.grain];
  const period = (monthExpr: string) => (k === 1 ? monthExpr : sql.floorDiv(monthExpr, k));
  const last = Math.floor(monthIndexOf(ctx.asOf) / k);
  const facts = new Map<number, PeriodFacts>();
  const add = async (query: string, fill: (f: PeriodFacts, row: Record<string, unknown>) => void) => {
    for (const row of wh.adapter.rows(await wh.knex.raw(query))) {
      const p = Number(row.p);
      if (p > last) continue;
      const f = facts.get(p) ?? { ...EMPTY };
      fill(f, row);
      facts.set(p, f);
    }
  };
  const inbound = `direction = 'inbound'`;
  await add(
    `SELECT period_idx AS p, COUNT(*) AS n FROM ${customerPeriods(ctx)} a GROUP BY period_idx`,
    (f, r) => (f.active = Number(r.n)),
  );
  await add(
    `SELECT p, COUNT(*) AS n FROM (SELECT ${period('first_month')} AS p FROM ${BUYER}) b GROUP BY p`,
    (f, r) => (f.newCustomers = Number(r.n)),
  );
  await add(
    `SELECT b.period_idx AS p, COUNT(*) AS n FROM ${customerPeriods(ctx)} a
     JOIN ${customerPeriods(ctx)} b ON b.customer_id = a.customer_id AND b.period_idx = a.period_idx + 1 GROUP BY b.period_idx`,
    (f, r) => (f.retained = Number(r.n)),
  );
  await add(
    `SELECT p, ${sql.round('SUM(amount)')} AS revenue, ${sql.round('SUM(amount - COALESCE(cost, 0))')} AS margin
     FROM (SELECT ${period(sql.monthIndex('order_date'))} AS p, amount, cost FROM ${build('fct_order')} WHERE ${revenueFilter(ctx)}) o GROUP BY p`,
    (f, r) => ((f.revenue = Number(r.revenue)), (f.margin = Number(r.margin))),
  );
  await add(
    `SELECT p, ${sql.round('SUM(amount)')} AS spend
     FROM (SELECT ${period(sql.monthIndex('period_start'))} AS p, amount FROM stg_spend WHERE amount IS NOT NULL AND period_start IS NOT NULL) s GROUP BY p`,
    (f, r) => (f.spend = Number(r.spend)),
  );
  await add(
    `SELECT p, COUNT(*) AS n FROM (SELECT ${period(sql.monthIndex('first_seen'))} AS p FROM dim_customer WHERE first_seen IS NOT NULL) d GROUP BY p`,
    (f, r) => (f.leads = Number(r.n)),
  );
  // Lead response: each customer's first inbound contact and the first outbound one after it.
  await add(
    `SELECT p, COUNT(*) AS n, SUM(secs) AS secs FROM (
       SELECT ${period(sql.monthIndex('f.first_in'))} AS p,
         ${sql.round(wh.adapter.secondsBetween('f.first_in', 'MIN(o.occurred_at)'), 0)} AS secs
       FROM (SELECT customer_id, MIN(occurred_at) AS first_in FROM ${build('fct_interaction')}
             WHERE ${inbound} AND occurred_at IS NOT NULL GROUP BY customer_id) f
       JOIN ${build('fct_interaction')} o ON o.customer_id = f.customer_id AND o.direction = 'outbound' AND o.occurred_at >= f.first_in
       GROUP BY f.customer_id, f.first_in
     ) r GROUP BY p`,
    (f, r) => ((f.answered = Number(r.n)), (f.responseSeconds = Number(r.secs))),
  );
  return facts;
}

export async function snapshotFacts(ctx: MartContext): Promise<SnapshotFacts> {
  const { sql, wh } = ctx;
  const one = async (query: string) => wh.adapter.rows(await wh.knex.raw(query))[0] ?? {};
  const filled = (...cols: string[]) =>
    `CASE WHEN ${cols.map((c) => `(${c} IS NOT NULL AND ${c} <> '')`).join(' OR ')} THEN 1 ELSE 0 END`;
  const base = await one(`SELECT COUNT(*) AS customers,
      COALESCE(SUM(${filled('full_name', 'last_name', 'company')} + ${filled('email')} + ${filled('phone')} + ${filled('city', 'region', 'postcode', 'street')}), 0) AS filled
    FROM dim_customer`);
  const records = await one(`SELECT COUNT(*) AS n FROM customer_crosswalk`);
  const clv = await one(
    `SELECT COUNT(clv) AS n, ${sql.round('COALESCE(SUM(clv), 0)')} AS s FROM ${build('mart_customer_clv')}`,
  );
  const bySegment = wh.adapter.rows(
    await wh.knex.raw(`SELECT segment, SUM(customers) AS customers, ${sql.round('SUM(profit)')} AS profit
      FROM ${build('mart_segment_profitability')} GROUP BY segment`),
  );
  const profit = bySegment.map((r) => ({
    segment: String(r.segment),
    customers: Number(r.customers),
    profit: Number(r.profit),
  }));
  profit.push({
    segment: '',
    customers: profit.reduce((s, r) => s + r.customers, 0),
    profit: profit.reduce((s, r) => s + Math.round(r.profit * 100), 0) / 100,
  });
  return {
    customers: Number(base.customers ?? 0),
    sourceRecords: Number(records.n ?? 0),
    filledFields: Number(base.filled ?? 0),
    predictedClvCustomers: Number(clv.n ?? 0),
    predictedClvSum: Number(clv.s ?? 0),
    profit,
  };
}
