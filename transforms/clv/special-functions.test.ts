import { describe, expect, it } from 'vitest';
import { digamma, exprel, hyp2f1, hyp2f1Excess, lgamma, logAddExp } from './special-functions.js';

/** Relative difference, for values of any magnitude. */
const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('lgamma', () => {
  // Reference values: mpmath.loggamma at 40 digits.
  const cases: Array<[number, number]> = [
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247001],
    [1.5, -0.12078223763524522],
    [2.5, 0.2846828704729192],
    [10, 12.801827480081469],
    [123.4, 469.3360974421906],
    [1e5, 1051287.7089736569],
    [-0.5, 1.2655121234846454],
    [-2.5, -0.056243716497674054],
  ];
  it.each(cases)('lgamma(%d)', (x, expected) => {
    expect(Math.abs(lgamma(x) - expected)).toBeLessThan(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it('is exact at the zeros and infinite at the poles', () => {
    expect(Math.abs(lgamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(lgamma(2))).toBeLessThan(1e-15);
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
  });
});

describe('hyp2f1', () => {
  // Reference values: mpmath.hyp2f1 at 40 digits.
  const cases: Array<[number, number, number, number, number]> = [
    [0.5, 0.5, 1.5, 0.25, 1.0471975511965979],
    [2.243, 4.426, 4.219, 0.5, 5.161693901383613],
    [0.243, 2.426, 2.219, 0.946, 2.38341190916359],
    [1.3, -2.7, 0.4, -3.5, 320.4126193478325],
    [5, 7, 3.5, 0.99, 2.6802712005260118e17],
    [-3, 2, 1.5, 0.7, -0.0752],
    [0.7, 0.2, 2.1, -50, 0.6252102496919765],
    [25.5, 27.4, 26.2, 0.9, 4.868088160202795e26],
  ];
  it.each(cases)('2F1(%d, %d; %d; %d)', (a, b, c, z, expected) => {
    expect(rel(hyp2f1(a, b, c, z), expected)).toBeLessThan(1e-12);
  });

  it('matches closed forms', () => {
    for (const z of [-0.9, -0.3, 0.1, 0.5, 0.9, 0.999]) {
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
      expect(rel(hyp2f1(2.3, 1.7, 1.7, z), Math.pow(1 - z, -2.3))).toBeLessThan(1e-13);
    }
    expect(hyp2f1(1.2, 3.4, 5.6, 0)).toBe(1);
  });

  it('refuses arguments where the series cannot be used', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/z < 1/);
    expect(() => hyp2f1(1, 1, 0, 0.5)).toThrow(/undefined for c = 0/);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/undefined/);
  });
});

describe('hyp2f1Excess', () => {
  it('equals (2F1 − 1)/b away from b = 0', () => {
    for (const [a, b, c, z] of [
      [2.1, 0.7, 3.3, 0.4],
      [-0.8, -0.2, 4.1, 0.95],
      [1.5, 3, 2.5, 0.9],
    ] as const) {
      expect(rel(hyp2f1Excess(a, b, c, z), (hyp2f1(a, b, c, z) - 1) / b)).toBeLessThan(1e-11);
    }
  });

  it('has the b → 0 limit Σ (a)_k (k−1)! / ((c)_k k!) z^k without cancellation', () => {
    // With a = c the limit is Σ z^k / k = −ln(1 − z).
    expect(rel(hyp2f1Excess(2.5, 0, 2.5, 0.6), -Math.log1p(-0.6))).toBeLessThan(1e-14);
    expect(rel(hyp2f1Excess(2.5, 1e-14, 2.5, 0.6), -Math.log1p(-0.6))).toBeLessThan(1e-12);
    expect(hyp2f1Excess(2.5, 0.3, 1.1, 0)).toBe(0);
  });
});

describe('helpers', () => {
  it('logAddExp does not overflow or underflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-1000, -Infinity)).toBe(-1000);
    expect(logAddExp(-1e4, -1e4 - 50)).toBeCloseTo(-1e4, 10);
  });

  it('exprel is continuous at 0', () => {
    expect(exprel(0)).toBe(1);
    expect(exprel(1e-10)).toBeCloseTo(1, 9);
    expect(exprel(1)).toBeCloseTo(Math.E - 1, 14);
  });
});

describe('digamma', () => {
  it('matches closed forms and the derivative of lgamma', () => {
    const euler = 0.5772156649015329;
    expect(rel(digamma(1), -euler)).toBeLessThan(1e-14);
    expect(rel(digamma(0.5), -euler - 2 * Math.LN2)).toBeLessThan(1e-14);
    // ψ(n) = H(n−1) − γ
    let harmonic = 0;
    for (let k = 1; k < 40; k++) harmonic += 1 / k;
    expect(rel(digamma(40), harmonic - euler)).toBeLessThan(1e-14);
    // ψ(x) = ψ(x + 1) − 1/x: ψ(−0.5) = ψ(0.5) + 2
    expect(rel(digamma(-0.5), 2 - euler - 2 * Math.LN2)).toBeLessThan(1e-12);
    for (const x of [0.003, 0.7, 3.3, 12.5, 250, 1e5]) {
      const h = 1e-5 * x;
      const numeric = (lgamma(x + h) - lgamma(x - h)) / (2 * h);
      expect(Math.abs(digamma(x) - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    }
    expect(digamma(0)).toBeNaN();
    expect(digamma(-3)).toBeNaN();
  });
});
