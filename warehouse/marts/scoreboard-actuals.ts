import { build } from './build-tables.js';
import { BUYER, customerPeriods } from './buyers.js';
import { martOf, type MartContext } from './context.js';
import { MONTHS_PER_PERIOD } from './periods.js';
import { monthIndexOf } from './sql.js';
import { MoneyConverter, ORDER_MONTH } from './currency.js';
import { FIRST_RESPONSE } from './first-response.js';
import { LEAD } from './lead-funnel.js';
import { REPLY } from './manager-activity.js';
import { percentilesSql } from './percentile.js';

/** Per-period aggregates the engine computes for the scoreboard (a few rows per period). */
export interface PeriodFacts {
  active: number;
  newCustomers: number;
  /** Customers active in this period and the one before. */
  retained: number;
  revenue: number;
  margin: number;
  spend: number;
  /** Spend rows staged for the period: without any, CAC has no data (not a CAC of 0). */
  spendRows: number;
  leads: number;
  /** Of the period's leads: converted to a first order within funnel.conversionDays, and not yet but still within that window. */
  converted: number;
  leadsOpen: number;
  /** First inbound contacts answered, and the sum of their whole-second response times. */
  answered: number;
  responseSeconds: number;
  /** Why revenue, margin or spend of the period are incomplete (a currency without a rate), else null. */
  moneyGap: string | null;
  /** Inbound interactions answered by a reply in the period, and the median hours to it (null: none). */
  replies: number;
  replyHours: number | null;
  /** The same per manager (owner of the reply, '' unknown). */
  replyByOwner: Array<{ owner: string; replies: number; hours: number }>;
  /** Per channel (the lead funnel's channel names): spend of the period, and new customers whose lead came from it. */
  spendByChannel: Record<string, number>;
  newByChannel: Record<string, number>;
}

/** Snapshot aggregates: the state of the warehouse now. */
export interface SnapshotFacts {
  customers: number;
  sourceRecords: number;
  /** Per source: its records and the distinct customers they resolved into. */
  bySource: Array<{ source: string; records: number; customers: number }>;
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
  spendRows: 0,
  leads: 0,
  converted: 0,
  leadsOpen: 0,
  answered: 0,
  responseSeconds: 0,
  moneyGap: null,
  replies: 0,
  replyHours: null,
  replyByOwner: [],
  spendByChannel: {},
  newByChannel: {},
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
  // Money per month and currency: Node converts with the configured rates (currency.ts), never
  // adding up amounts of different currencies as they are.
  const observed = wh.adapter
    .rows(
      await wh.knex.raw(
        `SELECT DISTINCT currency FROM ${ORDER_MONTH} WHERE currency IS NOT NULL
         UNION SELECT DISTINCT currency FROM stg_spend WHERE currency IS NOT NULL`,
      ),
    )
    .map((r) => String(r.currency));
  const money = new MoneyConverter(ctx.scoreboard.currency, observed);
  const convert = (f: PeriodFacts, r: Record<string, unknown>, apply: (rate: number) => void) => {
    const rate = money.rate(r.currency === null ? null : String(r.currency), Number(r.m));
    if (rate === null) f.moneyGap ??= money.gap(String(r.currency), Number(r.m));
    else apply(rate);
  };
  const cents = (v: number) => Math.round(v * 100) / 100;
  await add(
    // From the buyers' step's one grouped pass over the orders (currency.ts), not another pass.
    `SELECT month_idx AS m, ${period('month_idx')} AS p, currency, revenue, margin
     FROM ${ORDER_MONTH} WHERE counted = 1 ORDER BY month_idx, currency`,
    (f, r) =>
      convert(f, r, (rate) => {
        f.revenue = cents(f.revenue + Number(r.revenue) * rate);
        f.margin = cents(f.margin + Number(r.margin) * rate);
      }),
  );
  await add(
    `SELECT m, ${period('m')} AS p, currency, ${sql.round('SUM(amount)')} AS spend, COUNT(*) AS n
     FROM (SELECT ${sql.monthIndex('period_start')} AS m, amount, currency FROM stg_spend WHERE amount IS NOT NULL AND period_start IS NOT NULL) s
     GROUP BY m, currency`,
    (f, r) => {
      f.spendRows += Number(r.n);
      convert(f, r, (rate) => (f.spend = cents(f.spend + Number(r.spend) * rate)));
    },
  );
  // CAC per channel: spend by its channel, new customers by the channel of their lead (the funnel's
  // names: UTM source, else form, else source), so a spend row for 'yandex' meets Yandex's leads.
  await add(
    `SELECT m, ${period('m')} AS p, currency, channel, ${sql.round('SUM(amount)')} AS spend
     FROM (SELECT ${sql.monthIndex('period_start')} AS m, amount, currency, channel FROM stg_spend
           WHERE amount IS NOT NULL AND period_start IS NOT NULL AND channel IS NOT NULL AND channel <> '') s
     GROUP BY m, currency, channel`,
    (f, r) =>
      convert(f, r, (rate) => {
        const c = String(r.channel);
        f.spendByChannel = {
          ...f.spendByChannel,
          [c]: cents((f.spendByChannel[c] ?? 0) + Number(r.spend) * rate),
        };
      }),
  );
  await add(
    `SELECT p, channel, COUNT(*) AS n FROM (
       SELECT ${period('b.first_month')} AS p, l.channel FROM ${BUYER} b JOIN ${LEAD} l ON l.customer_id = b.customer_id
     ) c GROUP BY p, channel`,
    (f, r) => (f.newByChannel = { ...f.newByChannel, [String(r.channel)]: Number(r.n) }),
  );
  // Leads from the lead funnel (lead-funnel.ts): a customer's lead is the earliest thing the
  // sources date for them (created / submitted date, first interaction or order), up to the as-of
  // day; dim_customer.first_seen is load time and would put every historical lead in the load month.
  // Converted: a first order within funnel.conversionDays; open: leads not converted yet whose
  // window has not ended (they may still convert).
  await add(
    `SELECT p, COUNT(*) AS n, SUM(converted) AS converted,
       SUM(CASE WHEN converted = 0 AND ${sql.daysBetween('lead_at', `'${ctx.asOf}'`)} < ${ctx.funnel.conversionDays} THEN 1 ELSE 0 END) AS open_
     FROM (SELECT ${period(sql.monthIndex('month'))} AS p, lead_at, converted FROM ${LEAD}) l GROUP BY p`,
    (f, r) => ((f.leads = Number(r.n)), (f.converted = Number(r.converted)), (f.leadsOpen = Number(r.open_))),
  );
  // Lead response: each customer's first inbound contact and the first outbound one after it
  // (first-response.ts: a row per answered customer).
  await add(
    `SELECT p, COUNT(*) AS n, SUM(secs) AS secs
     FROM (SELECT ${period(sql.monthIndex('first_in'))} AS p, secs FROM ${FIRST_RESPONSE}) r GROUP BY p`,
    (f, r) => ((f.answered = Number(r.n)), (f.responseSeconds = Number(r.secs))),
  );
  // Median hours to reply to an inbound interaction, by the period of the reply, overall and per
  // manager (manager-activity.ts matched each inbound to its reply).
  const replies = `(SELECT ${period(sql.monthIndex('reply_month'))} AS p, reply_owner, secs FROM ${REPLY}) r`;
  const hours = sql.round(sql.ratio('p50', '3600'), 2);
  await add(
    `SELECT p, n, ${hours} AS hours FROM (${percentilesSql(sql, replies, ['p'], 'secs', { p50: 50 })}) m`,
    (f, r) => ((f.replies = Number(r.n)), (f.replyHours = Number(r.hours))),
  );
  await add(
    `SELECT p, reply_owner, n, ${hours} AS hours FROM (${percentilesSql(sql, replies, ['p', 'reply_owner'], 'secs', { p50: 50 })}) m`,
    (f, r) =>
      (f.replyByOwner = [
        ...f.replyByOwner,
        { owner: String(r.reply_owner), replies: Number(r.n), hours: Number(r.hours) },
      ]),
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
  const bySource = wh.adapter
    .rows(
      await wh.knex.raw(
        // Customer records the sources hold (stg_contact), not the references orders and
        // interactions carry (an order book naming one buyer by e-mail, phone and name is one
        // buyer, not three records of one).
        `SELECT x.source AS source, COUNT(*) AS records, COUNT(DISTINCT x.customer_id) AS customers
           FROM customer_crosswalk x JOIN stg_contact c ON c.source = x.source AND c.source_key = x.source_key
          GROUP BY x.source`,
      ),
    )
    .map((r) => ({ source: String(r.source), records: Number(r.records), customers: Number(r.customers) }))
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const clv = await one(
    `SELECT COUNT(clv) AS n, ${sql.round('COALESCE(SUM(clv), 0)')} AS s FROM ${martOf(ctx, 'mart_customer_clv')}`,
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
    sourceRecords: bySource.reduce((n, s) => n + s.records, 0),
    bySource,
    filledFields: Number(base.filled ?? 0),
    predictedClvCustomers: Number(clv.n ?? 0),
    predictedClvSum: Number(clv.s ?? 0),
    profit,
  };
}
