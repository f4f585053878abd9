/**
 * Discounted customer lifetime value over a horizon of months: BG/NBD gives expected purchases in
 * each month, Gamma–Gamma the expected value of a purchase, and each month is discounted at a
 * monthly rate. The horizon is in calendar months (mean Gregorian month, see units.ts) whatever unit
 * the model was fitted in; it is converted explicitly, never assumed.
 */
import { ConfigError } from '../../lib/errors.js';
import type { BgNbdParams } from './bg-nbd.js';
import { bgNbdExpectedPurchasesCurve, bgNbdPAlive, type CurveCache } from './bg-nbd-predict.js';
import { gammaGammaExpectedAverageValue, type GammaGammaParams } from './gamma-gamma.js';
import type { RecencyFrequency, SummaryTable } from './summary.js';
import { unitRatio, type Duration, type TimeUnit } from './units.js';

export interface ClvModel {
  readonly bgNbd: BgNbdParams;
  readonly gammaGamma: GammaGammaParams;
}

export interface ClvOptions {
  /** Whole months ahead of the calibration end, e.g. 12. */
  readonly horizonMonths: number;
  /** Discount rate per month, e.g. 0.01; see monthlyRateFromAnnual for an annual rate. */
  readonly monthlyDiscountRate: number;
}

/** The mart_customer_clv columns computed here. */
export interface ClvPrediction {
  readonly pAlive: number;
  /** Expected purchases over the whole horizon, undiscounted. */
  readonly expectedPurchases: number;
  readonly expectedAvgValue: number;
  readonly clv: number;
  readonly horizonMonths: number;
}

export type ClvCustomer = RecencyFrequency & { readonly monetary: number };

/** (1 + annual)^(1/12) − 1: the monthly rate that compounds to the annual one. */
export function monthlyRateFromAnnual(annualRate: number): number {
  if (!(annualRate > -1)) throw new ConfigError(`Invalid annual discount rate ${annualRate}`);
  return Math.pow(1 + annualRate, 1 / 12) - 1;
}

function checkOptions({ horizonMonths, monthlyDiscountRate }: ClvOptions): void {
  if (!Number.isInteger(horizonMonths) || horizonMonths < 0) {
    throw new ConfigError(`Invalid CLV horizon ${horizonMonths} months`, {
      hint: 'Use a whole number of months',
    });
  }
  if (!(monthlyDiscountRate > -1) || !Number.isFinite(monthlyDiscountRate)) {
    throw new ConfigError(`Invalid monthly discount rate ${monthlyDiscountRate}`, {
      hint: 'Give a monthly rate such as 0.01, or convert an annual rate with monthlyRateFromAnnual',
    });
  }
}

/**
 * The horizon's months and each month's discount divisor (1 + d)^m, made once for the options a
 * mart predicts every customer with (the last ones asked for are kept), not per customer.
 */
let lastHorizon: { options: ClvOptions; months: Duration[]; discount: number[] } | null = null;
function horizonOf(options: ClvOptions): { months: readonly Duration[]; discount: readonly number[] } {
  const { horizonMonths, monthlyDiscountRate } = options;
  const last = lastHorizon?.options;
  if (last?.horizonMonths === horizonMonths && last.monthlyDiscountRate === monthlyDiscountRate) {
    return lastHorizon!;
  }
  const months = Array.from({ length: horizonMonths }, (_, i) => ({ value: i + 1, unit: 'month' as const }));
  const discount = months.map((_, i) => Math.pow(1 + monthlyDiscountRate, i + 1));
  lastHorizon = { options: { horizonMonths, monthlyDiscountRate }, months, discount };
  return lastHorizon;
}

/**
 * CLV of one customer whose t_x and T are measured in `customerUnit`:
 *   Σ_{m=1..H} (E[Y(m months)] − E[Y(m−1 months)]) · E[M] / (1 + d)^m,
 * i.e. each month's expected purchases are valued at the customer's expected spend and discounted
 * as if paid at the end of that month.
 */
export function predictCustomerClv(
  model: ClvModel,
  customer: ClvCustomer,
  customerUnit: TimeUnit,
  options: ClvOptions,
  /** Shared by the customers of one model and options (bgNbdExpectedPurchasesCurve). */
  cache?: CurveCache,
): ClvPrediction {
  checkOptions(options);
  const { bgNbd, gammaGamma } = model;
  // The customer's times in the model's unit: explicit conversion, never an assumption.
  const k = unitRatio(customerUnit, bgNbd.unit);
  const inModelUnit = { x: customer.x, tx: customer.tx * k, T: customer.T * k };
  const { months, discount } = horizonOf(options);
  const cumulative = bgNbdExpectedPurchasesCurve(bgNbd, inModelUnit, months, cache);
  const expectedAvgValue = gammaGammaExpectedAverageValue(gammaGamma, customer);
  let clv = 0;
  let previous = 0;
  cumulative.forEach((purchases, i) => {
    clv += ((purchases - previous) * expectedAvgValue) / discount[i]!;
    previous = purchases;
  });
  return {
    pAlive: bgNbdPAlive(bgNbd, inModelUnit),
    expectedPurchases: previous,
    expectedAvgValue,
    clv,
    horizonMonths: options.horizonMonths,
  };
}

/** CLV for every customer of a table, in table order; the table's unit is converted to the model's. */
export function predictClv<S extends ClvCustomer>(
  model: ClvModel,
  table: SummaryTable<S>,
  options: ClvOptions,
): ClvPrediction[] {
  return table.customers.map((c) => predictCustomerClv(model, c, table.unit, options));
}
