import { completeScratch, factsOf, fill, revenueFilter, scratchTable, type MartContext } from './context.js';
import { costPeriodStartMonth, periodLabel } from './periods.js';
import type { CurrencyConfig } from './scoreboard-config.js';

/**
 * Turns amounts into the scoreboard's one currency. With `scoreboard.currency` the base is given
 * and other currencies go through the rate of the most specific period containing the month
 * (YYYY-MM, then YYYY-Qn, then YYYY). Without it, amounts in one currency (or none named) are
 * taken as they are, and amounts in several are never added up: rate() says null and the money
 * indicators say why.
 */
export class MoneyConverter {
  readonly base: string | null;
  /** Currencies found without a configured base: nothing can be summed across them. */
  readonly mixed: readonly string[];
  private readonly rates = new Map<string, Array<{ from: number; months: number; rate: number }>>();

  constructor(config: CurrencyConfig | undefined, observed: readonly string[]) {
    const found = [...new Set(observed.map((c) => c.toUpperCase()))].sort();
    this.base = config?.base ?? (found.length === 1 ? found[0]! : null);
    this.mixed = config === undefined && found.length > 1 ? found : [];
    for (const r of config?.rates ?? []) {
      const months = /-Q/.test(r.period) ? 3 : r.period.length === 4 ? 12 : 1;
      const list = this.rates.get(r.currency) ?? [];
      list.push({ from: costPeriodStartMonth(r.period), months, rate: r.rate });
      this.rates.set(r.currency, list);
    }
  }

  /** Units of the base currency per unit of `currency` in month index `month`; null: not convertible. */
  rate(currency: string | null, month: number): number | null {
    if (this.mixed.length > 0) return null;
    const code = currency?.toUpperCase() ?? null;
    if (code === null || code === this.base) return 1;
    const fits = (this.rates.get(code) ?? []).filter((r) => month >= r.from && month < r.from + r.months);
    fits.sort((a, b) => a.months - b.months);
    return fits[0]?.rate ?? null;
  }

  /** Why amounts of `currency` in `month` are left out. */
  gap(currency: string | null, month: number): string {
    if (this.mixed.length > 0)
      return `amounts in several currencies (${this.mixed.join(', ')}): set scoreboard.currency (base and rates) to convert them`;
    return `no rate for ${currency} in ${periodLabel(month, 'month')}: add it to scoreboard.currency.rates`;
  }
}

/** Rate per (currency as staged, month index) for the amounts the build sums: one scratch table. */
export const FX = 'etl_build_fx';

/** What buildRates found: whether amounts need a join at all, and what could not be converted. */
interface FxState {
  /** Every rate is 1 (one currency, or none named): amounts are taken as they are, no join. */
  identity: boolean;
  /** Why some amounts are left out of the money marts, or null when all were converted. */
  gap: string | null;
}

const fxState = new WeakMap<MartContext, FxState>();

/**
 * Fills FX with the rate of every (currency, month) of the revenue orders and the spend the build
 * adds up, from `scoreboard.currency` through MoneyConverter (the one place rates are chosen). A
 * pair without a rate gets no row: its amounts are left out of revenue, CLV and profit rather than
 * added as if they were the base currency, and the build says which and why (ctx.notes).
 * Run after fct_order is built.
 */
export async function buildRates(ctx: MartContext): Promise<void> {
  const { sql, wh } = ctx;
  await buildOrderMonths(ctx);
  const pairs = wh.adapter
    .rows(
      await wh.knex.raw(
        `SELECT DISTINCT COALESCE(currency, '') AS currency, month_idx AS m FROM ${ORDER_MONTH} WHERE counted = 1
         UNION SELECT DISTINCT COALESCE(currency, '') AS currency, ${sql.monthIndex('period_start')} AS m
           FROM stg_spend WHERE amount IS NOT NULL AND period_start IS NOT NULL AND period_start <= '${ctx.asOf}'`,
      ),
    )
    .map((r) => ({ currency: String(r.currency), m: Number(r.m) }));
  const money = new MoneyConverter(
    ctx.scoreboard.currency,
    pairs.map((p) => p.currency).filter((c) => c !== ''),
  );
  const rows: Array<{ currency: string; month_idx: number; rate: number }> = [];
  const gaps: string[] = [];
  for (const p of pairs) {
    const rate = money.rate(p.currency === '' ? null : p.currency, p.m);
    if (rate === null) gaps.push(money.gap(p.currency, p.m));
    else rows.push({ currency: p.currency, month_idx: p.m, rate });
  }
  const gap = gaps.length === 0 ? null : [...new Set(gaps)].sort()[0]!;
  fxState.set(ctx, { identity: gaps.length === 0 && rows.every((r) => r.rate === 1), gap });
  await scratchTable(ctx, {
    name: FX,
    columns: [
      { name: 'currency', type: 'key' },
      { name: 'month_idx', type: 'int' },
      { name: 'rate', type: 'float' },
    ],
    key: ['currency', 'month_idx'],
  });
  for (let i = 0; i < rows.length; i += 500) await wh.knex(FX).insert(rows.slice(i, i + 500));
  await completeScratch(ctx, FX);
  if (gap !== null) {
    ctx.notes.push(
      `Money: ${[...new Set(gaps)].length} currency-months could not be converted and are left out of revenue, CLV and profit (${gap})`,
    );
  }
}

/**
 * Orders per (currency as staged, month, counted or not), with the revenue and margin of the
 * counted ones (revenueFilter) in their own currency, rounded to cents: ONE grouped pass over
 * fct_order that gives the rates their (currency, month) pairs and the scoreboard its monthly
 * revenue, margin and currencies seen — three passes before. A few rows per month. `orders` and
 * `amounts` (orders with an amount) let the nightly refresh add and take away customers' orders
 * instead of reading them all (incremental/order-months.ts).
 */
export const ORDER_MONTH = 'etl_build_order_month';

export const ORDER_MONTH_COLUMNS = 'currency, month_idx, counted, revenue, margin, orders, amounts';

/** The SELECT the nightly refresh fills ORDER_MONTH with, in place of the pass over every order. */
export const orderMonthSource = new WeakMap<MartContext, string>();

async function buildOrderMonths(ctx: MartContext): Promise<void> {
  const { sql } = ctx;
  await scratchTable(ctx, {
    name: ORDER_MONTH,
    columns: [
      { name: 'currency', type: 'key' },
      { name: 'month_idx', type: 'int' },
      { name: 'counted', type: 'int' },
      { name: 'revenue', type: 'money' },
      { name: 'margin', type: 'money' },
      { name: 'orders', type: 'int' },
      { name: 'amounts', type: 'int' },
    ],
  });
  const counted = `CASE WHEN ${revenueFilter(ctx)} THEN 1 ELSE 0 END`;
  const select =
    orderMonthSource.get(ctx) ??
    `SELECT currency, m, counted, ${sql.round('SUM(amount)')}, ${sql.round('SUM(amount - COALESCE(cost, 0))')}, COUNT(*), COUNT(amount)
     FROM (SELECT currency, ${sql.monthIndex('order_date')} AS m, ${counted} AS counted, amount, cost FROM ${factsOf(ctx, 'fct_order')}) o
     GROUP BY currency, m, counted`;
  await fill(ctx, ORDER_MONTH, `INSERT INTO ${ORDER_MONTH} (${ORDER_MONTH_COLUMNS}) ${select}`);
}

/** Why the money marts are incomplete (a currency without a rate), or null. */
export function moneyGap(ctx: MartContext): string | null {
  return fxState.get(ctx)?.gap ?? null;
}

/**
 * `amount` of the row aliased `alias` in the base currency, rounded to cents (each row rounded,
 * so every engine then adds the same cents), and the join that brings its rate: `monthExpr` is
 * the month index the rate is looked up for. An amount without a rate counts 0 (buildRates has
 * noted it). With one currency the column is read as it is, without a join.
 */
export function inBase(
  ctx: MartContext,
  alias: string,
  monthExpr: string,
): { amount: (column: string) => string; join: string } {
  const state = fxState.get(ctx);
  if (!state) throw new Error('buildRates must run before the money marts');
  if (state.identity) return { amount: (column) => `${alias}.${column}`, join: '' };
  const fx = `${alias}_fx`;
  return {
    amount: (column) => `COALESCE(${ctx.sql.round(`${alias}.${column} * ${fx}.rate`)}, 0)`,
    join: `LEFT JOIN ${FX} ${fx} ON ${fx}.currency = COALESCE(${alias}.currency, '') AND ${fx}.month_idx = ${monthExpr}`,
  };
}
