import { describe, expect, it } from 'vitest';
import { minimize, minimizeSmooth } from './optimize.js';

describe('minimize (Nelder–Mead with restarts)', () => {
  const rosenbrock = (v: readonly number[]): number => {
    const [x = 0, y = 0] = v;
    return 100 * (y - x * x) ** 2 + (1 - x) ** 2;
  };

  it('finds the Rosenbrock minimum from the classic start', () => {
    const result = minimize(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('is deterministic', () => {
    expect(minimize(rosenbrock, [-1.2, 1])).toEqual(minimize(rosenbrock, [-1.2, 1]));
  });

  it('treats non-finite values as +∞ and walks away from them', () => {
    // log(x) is NaN for x < 0; the minimum of x − log(x) is at x = 1.
    const result = minimize((v) => (v[0] as number) - Math.log(v[0] as number), [3], { initialStep: 5 });
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it('reports an exhausted budget instead of claiming convergence', () => {
    const result = minimize(rosenbrock, [-1.2, 1], { maxEvaluations: 20 });
    expect(result.converged).toBe(false);
    // The budget is checked per iteration, which costs at most n + 2 evaluations.
    expect(result.evaluations).toBeLessThanOrEqual(20 + 4);
  });
});

describe('minimizeSmooth (BFGS on an analytic gradient)', () => {
  const rosenbrock = (v: readonly number[]) => {
    const [x = 0, y = 0] = v;
    return {
      value: 100 * (y - x * x) ** 2 + (1 - x) ** 2,
      gradient: [-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)],
    };
  };

  it('finds the Rosenbrock minimum from the classic start in far fewer evaluations than Nelder–Mead', () => {
    const result = minimizeSmooth(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
    const nm = minimize((v) => rosenbrock(v).value, [-1.2, 1]);
    expect(result.evaluations).toBeLessThan(nm.evaluations / 2);
  });

  it('reports a stall or an exhausted budget instead of claiming convergence', () => {
    expect(minimizeSmooth(rosenbrock, [-1.2, 1], { maxIterations: 3 }).converged).toBe(false);
    // A gradient that lies (points uphill) cannot be followed: no step decreases the value.
    const liar = (v: readonly number[]) => ({ value: (v[0] ?? 0) ** 2, gradient: [-2 * (v[0] ?? 0)] });
    expect(minimizeSmooth(liar, [3]).converged).toBe(false);
  });
});
