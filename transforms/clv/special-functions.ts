/**
 * Special functions the CLV models need: log-gamma, the Gauss hypergeometric function 2F1 and a
 * cancellation-free variant of it. Pure number crunching, no dependencies.
 */
import { CrmEtlError } from '../../lib/errors.js';

const LANCZOS_G = 7;
// Lanczos coefficients for g = 7, n = 9: about 15 significant digits for Re(x) > 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln|Γ(x)| for real x that is not a non-positive integer. */
export function lgamma(x: number): number {
  if (!Number.isFinite(x)) return x === Infinity ? Infinity : NaN;
  if (x <= 0 && Number.isInteger(x)) return Infinity; // pole
  // Reflection keeps the Lanczos sum in the region where it is accurate.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const y = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln(e^u + e^v) without overflow; the BG/NBD likelihood adds two terms that are tiny in level. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  const m = Math.max(u, v);
  return m + Math.log1p(Math.exp(-Math.abs(u - v)));
}

/** (e^u − 1)/u, continuous through u = 0 (the limit is 1). */
export function exprel(u: number): number {
  return Math.abs(u) < 1e-300 ? 1 : Math.expm1(u) / u;
}

const SERIES_EPS = 1e-16;
const SERIES_MAX_TERMS = 1_000_000;

/**
 * Sums t_k for k ≥ k0 where t_{k+1} = t_k · (a+k)(b+k) / ((c+k)(k+1)) · z, the term ratio shared by
 * 2F1 and its excess. Stops when a bound on the remaining tail is below machine precision; the
 * bound |t_{k+1}| / (1 − ρ) uses ρ = max(|ratio_k|, |z|), valid once the ratios have settled toward
 * z (they converge monotonically for large k), which is why the test also demands |ratio_k| < 1.
 */
function hypergeometricSeries(a: number, b: number, c: number, z: number, k0: number, t0: number): number {
  let sum = 0;
  let term = t0;
  for (let k = k0; k < k0 + SERIES_MAX_TERMS; k++) {
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: the series is a polynomial
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    const next = term * ratio;
    const rho = Math.max(Math.abs(ratio), Math.abs(z));
    if (Math.abs(ratio) < 1 && Math.abs(next) / (1 - rho) <= SERIES_EPS * Math.abs(sum)) return sum + next;
    if (!Number.isFinite(next)) break;
    term = next;
  }
  throw new CrmEtlError(`Hypergeometric series 2F1(${a}, ${b}; ${c}; ${z}) did not converge`, {
    hint: 'The argument is too close to 1 for the series; use a shorter horizon',
  });
}

function checkArguments(c: number, z: number): void {
  if (![c, z].every(Number.isFinite)) throw new CrmEtlError(`2F1: non-finite argument (c=${c}, z=${z})`);
  if (c <= 0 && Number.isInteger(c)) throw new CrmEtlError(`2F1 is undefined for c = ${c}`);
  if (z >= 1) {
    throw new CrmEtlError(`2F1 series needs z < 1, got ${z}`, {
      hint: 'Every use in the CLV models has z = t / (α + T + t) < 1; check the inputs',
    });
  }
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) for real z < 1. For 0 ≤ z < 1 the defining series converges
 * (geometrically with ratio z); for z < 0 the Pfaff transformation
 * 2F1(a, b; c; z) = (1 − z)^(−a) · 2F1(a, c − b; c; z / (z − 1)) maps the argument into [0, 1), so the
 * series is never used where |z| ≥ 1 would make it diverge.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  checkArguments(c, z);
  if (z < 0) return Math.pow(1 - z, -a) * hypergeometricSeries(a, c - b, c, z / (z - 1), 0, 1);
  return hypergeometricSeries(a, b, c, z, 0, 1);
}

/**
 * (2F1(a, b; c; z) − 1) / b, summed directly as Σ_{k≥1} (a)_k (b+1)_{k−1} / ((c)_k k!) z^k for
 * 0 ≤ z < 1. BG/NBD's expected purchases divide 1 − 2F1(·, a − 1; ·) by (a − 1); forming the
 * difference first loses all precision as a → 1, while this sum has no cancellation at b = 0.
 */
export function hyp2f1Excess(a: number, b: number, c: number, z: number): number {
  checkArguments(c, z);
  if (z < 0) throw new CrmEtlError(`hyp2f1Excess needs 0 ≤ z < 1, got ${z}`);
  if (z === 0) return 0;
  return hypergeometricSeries(a, b, c, z, 1, (a * z) / c);
}

/** ψ(x) = d/dx ln Γ(x), for the likelihoods' gradients: recurrence up to x ≥ 10, then the asymptotic series. */
export function digamma(x: number): number {
  if (!Number.isFinite(x)) return x === Infinity ? Infinity : NaN;
  if (x <= 0 && Number.isInteger(x)) return NaN; // pole
  if (x < 0) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  // ln x − 1/(2x) − Σ B₂ₖ/(2k x^{2k}): the terms after the last kept one are below 1e-16 for x ≥ 10.
  return (
    result +
    Math.log(x) -
    0.5 / x -
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760))))))
  );
}
