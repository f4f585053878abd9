/**
 * BG/NBD predictions (Fader, Hardie & Lee 2005): probability a customer is still alive, expected
 * purchases in a future window given the customer's history, and the population's E[X(t)].
 * Customer times (t_x, T) are in the model's unit; horizons carry their own unit and are converted.
 */
import type { BgNbdParams } from './bg-nbd.js';
import { exprel, hyp2f1Excess } from './special-functions.js';
import { assertRecencyFrequency, type RecencyFrequency } from './summary.js';
import { durationIn, type Duration } from './units.js';

/**
 * P(alive at T | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (FHL eq. 13).
 * A customer who never came back (x = 0) cannot have dropped out — in BG/NBD dropout happens only
 * right after a purchase — so their P(alive) is 1; their low expected purchases come from λ.
 */
export function bgNbdPAlive(params: BgNbdParams, customer: RecencyFrequency): number {
  assertRecencyFrequency(customer);
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected purchases in (T, T + t] of a customer known to be alive at T, whose λ and p posteriors
 * are Gamma(r+x, α+T) and Beta(a, b+x). FHL eq. 10 writes it as
 *   C/(a−1) · [1 − (1−z)^A · 2F1(A, b+x; C; z)],  A = r+x, C = a+b+x−1, z = t/(α+T+t).
 * Euler's transformation turns (1−z)^A·2F1(A, b+x; C; z) into (1−z)^(a−1)·2F1(C−A, a−1; C; z); with
 * 2F1(·, a−1; ·) = 1 + (a−1)·E (E = hyp2f1Excess) the bracket over (a−1) becomes
 *   −ln(1−z)·exprel((a−1)·ln(1−z)) − (1−z)^(a−1) · E,
 * which is exact, free of the 0/0 at a = 1, and whose series decays faster than the original one
 * when x is large (terms ~ k^(a−A−2)·z^k instead of k^(A−a)·z^k).
 */
function expectedIfAlive(params: BgNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = params;
  if (t === 0) return 0;
  const A = r + x;
  const C = a + b + x - 1;
  const z = t / (alpha + T + t);
  const logOneMinusZ = -Math.log1p(t / (alpha + T));
  const u = (a - 1) * logOneMinusZ;
  const g = -logOneMinusZ * exprel(u) - Math.exp(u) * hyp2f1Excess(C - A, a - 1, C, z);
  return C * g;
}

/** Horizon in the model's unit, validated. */
function horizonIn(params: BgNbdParams, horizon: Duration): number {
  return durationIn(horizon, params.unit);
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next `horizon` (FHL eq. 10) = P(alive) times the
 * expectation given alive. The customer's t_x and T must be in `params.unit`.
 */
export function bgNbdExpectedPurchases(
  params: BgNbdParams,
  customer: RecencyFrequency,
  horizon: Duration,
): number {
  const t = horizonIn(params, horizon);
  return bgNbdPAlive(params, customer) * expectedIfAlive(params, customer.x, customer.T, t);
}

/**
 * Conditional expected purchases at several cumulative horizons (same unit), sharing P(alive).
 * The CLV sums month-by-month increments of this curve.
 */
export function bgNbdExpectedPurchasesCurve(
  params: BgNbdParams,
  customer: RecencyFrequency,
  horizons: readonly Duration[],
  cache?: CurveCache,
): number[] {
  const pAlive = bgNbdPAlive(params, customer);
  const ifAlive = (): number[] =>
    horizons.map((h) => expectedIfAlive(params, customer.x, customer.T, horizonIn(params, h)));
  let curve: number[];
  if (cache) {
    curve = cache.get(customer.x, customer.T) ?? cache.set(customer.x, customer.T, ifAlive());
  } else {
    curve = ifAlive();
  }
  return curve.map((c) => pAlive * c);
}

/**
 * Expected purchases given alive depend on x and T only (not t_x): customers sharing them share the
 * curve, a 2F1 series per horizon. A cache is valid for ONE set of parameters and horizons; the
 * caller makes a new one per fit. Bounded, so memory stays flat whatever the number of customers.
 * Keyed by the numbers themselves, x then T: a string key made T (a fraction of its unit) into
 * its shortest decimal digits for every customer, and that conversion was most of a cache hit
 * (955,000 predictions: 11.6 s with it on a loaded machine, see warehouse/marts/clv.ts).
 */
export class CurveCache {
  private readonly byX = new Map<number, Map<number, number[]>>();
  /** Curves held. */
  size = 0;

  get(x: number, T: number): number[] | undefined {
    return this.byX.get(x)?.get(T);
  }

  /** Keeps the curve while under the bound; returns it either way. */
  set(x: number, T: number, curve: number[]): number[] {
    if (this.size >= CURVE_CACHE_LIMIT) return curve;
    let byT = this.byX.get(x);
    if (!byT) this.byX.set(x, (byT = new Map()));
    byT.set(T, curve);
    this.size++;
    return curve;
  }
}
const CURVE_CACHE_LIMIT = 200_000;

/**
 * E[X(t)]: expected purchases of a new customer in their first `horizon` after the first purchase
 * (FHL eq. 7, repeat purchases only). It is the conditional formula with x = t_x = T = 0.
 */
export function bgNbdUnconditionalExpected(params: BgNbdParams, horizon: Duration): number {
  return expectedIfAlive(params, 0, 0, horizonIn(params, horizon));
}
