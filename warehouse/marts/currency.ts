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
