import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { fitBgNbd } from './bg-nbd.js';
import { CurveCache } from './bg-nbd-predict.js';
import { CDNOW_CALIBRATION_END, readCdnowTransactions } from '../../test/support/clv/cdnow-fixture.js';
import {
  monthlyRateFromAnnual,
  predictClv,
  predictCustomerClv,
  type ClvModel,
  type ClvPrediction,
} from './clv.js';
import { fitGammaGamma } from './gamma-gamma.js';
import { buildSummary, type SummaryTable } from './summary.js';
import type { TimeUnit } from './units.js';

const options = { horizonMonths: 12, monthlyDiscountRate: 0.01 };

describe('CLV does not depend on the unit the model was fitted in', () => {
  const transactions = readCdnowTransactions();
  const tables = {} as Record<TimeUnit, SummaryTable>;
  const models = {} as Record<TimeUnit, ClvModel>;
  const results = {} as Record<TimeUnit, ClvPrediction[]>;

  beforeAll(() => {
    // Spend has no time unit: one Gamma–Gamma fit serves every BG/NBD fit.
    const gammaGamma = fitGammaGamma(
      buildSummary(transactions, { calibrationEnd: CDNOW_CALIBRATION_END, unit: 'day' }).customers,
    ).params;
    for (const unit of ['week', 'day', 'month'] as const) {
      tables[unit] = buildSummary(transactions, { calibrationEnd: CDNOW_CALIBRATION_END, unit });
      models[unit] = { bgNbd: fitBgNbd(tables[unit]).params, gammaGamma };
      results[unit] = predictClv(models[unit], tables[unit], options);
    }
  });

  it('gives the very same predictions with a curve cache shared by customers of equal (x, T)', () => {
    const cache = new CurveCache();
    const cached = tables.week.customers.map((c) =>
      predictCustomerClv(models.week, c, 'week', options, cache),
    );
    expect(cached).toEqual(results.week);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(tables.week.customers.length);
  });

  it('fits the same model in weeks, days and months (α scales with the unit)', () => {
    const { week, day, month } = {
      week: models.week.bgNbd,
      day: models.day.bgNbd,
      month: models.month.bgNbd,
    };
    // α is a time scale: 1 week = 7 days = 7/30.4375 months.
    expect(Math.abs(day.alpha / week.alpha / 7 - 1)).toBeLessThan(1e-5);
    expect(Math.abs(month.alpha / week.alpha / (7 / 30.4375) - 1)).toBeLessThan(1e-5);
    for (const other of [day, month]) {
      expect(other.r).toBeCloseTo(week.r, 5);
      expect(other.a).toBeCloseTo(week.a, 5);
      expect(other.b).toBeCloseTo(week.b, 5);
    }
  });

  it('gives the same 12-month CLV for every customer, within the optimiser’s tolerance', () => {
    const total = (unit: TimeUnit) => results[unit].reduce((s, r) => s + r.clv, 0);
    expect(Math.abs(total('day') / total('week') - 1)).toBeLessThan(1e-5);
    expect(Math.abs(total('month') / total('week') - 1)).toBeLessThan(1e-5);
    for (const unit of ['day', 'month'] as const) {
      results.week.forEach((w, i) => {
        const other = results[unit][i] as ClvPrediction;
        expect(Math.abs(other.clv - w.clv)).toBeLessThanOrEqual(1e-5 * Math.max(1, w.clv));
        expect(Math.abs(other.pAlive - w.pAlive)).toBeLessThanOrEqual(1e-5);
      });
    }
  });

  it('converts a customer given in another unit, and mislabelling the unit would change the answer', () => {
    const weekModel = models.week;
    const inDays = tables.day.customers[0];
    const inWeeks = tables.week.customers[0];
    if (!inDays || !inWeeks) throw new Error('CDNOW tables are empty');
    const converted = predictCustomerClv(weekModel, inDays, 'day', options);
    expect(converted.clv).toBeCloseTo(predictCustomerClv(weekModel, inWeeks, 'week', options).clv, 10);
    // The trap the explicit unit prevents: day-valued t_x and T read as weeks.
    const mislabelled = predictCustomerClv(weekModel, inDays, 'week', options);
    expect(Math.abs(mislabelled.clv / converted.clv - 1)).toBeGreaterThan(0.2);
  });

  it('values each month’s expected purchases and discounts them', () => {
    const model = models.week;
    const customer = tables.week.customers[0];
    if (!customer) throw new Error('CDNOW table is empty');
    const undiscounted = predictCustomerClv(model, customer, 'week', {
      horizonMonths: 12,
      monthlyDiscountRate: 0,
    });
    expect(undiscounted.clv).toBeCloseTo(undiscounted.expectedPurchases * undiscounted.expectedAvgValue, 10);
    const discounted = predictCustomerClv(model, customer, 'week', options);
    expect(discounted.clv).toBeLessThan(undiscounted.clv);
    expect(discounted.clv).toBeGreaterThan(undiscounted.clv / 1.01 ** 12);
    expect(
      predictCustomerClv(model, customer, 'week', { horizonMonths: 0, monthlyDiscountRate: 0 }).clv,
    ).toBe(0);
    const longer = predictCustomerClv(model, customer, 'week', {
      horizonMonths: 24,
      monthlyDiscountRate: 0.01,
    });
    expect(longer.clv).toBeGreaterThan(discounted.clv);
  });

  it('validates the horizon and the discount rate', () => {
    const customer = tables.week.customers[0];
    if (!customer) throw new Error('CDNOW table is empty');
    const bad = [
      { horizonMonths: 1.5, monthlyDiscountRate: 0.01 },
      { horizonMonths: -1, monthlyDiscountRate: 0.01 },
      { horizonMonths: 12, monthlyDiscountRate: -1 },
      { horizonMonths: 12, monthlyDiscountRate: NaN },
    ];
    for (const o of bad)
      expect(() => predictCustomerClv(models.week, customer, 'week', o)).toThrow(ConfigError);
    expect(monthlyRateFromAnnual(0.12)).toBeCloseTo(Math.pow(1.12, 1 / 12) - 1, 15);
    expect((1 + monthlyRateFromAnnual(0.1)) ** 12).toBeCloseTo(1.1, 12);
  });
});
