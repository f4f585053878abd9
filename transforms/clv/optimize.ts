/**
 * Derivative-free minimisation (Nelder–Mead) with restarts, for the small smooth likelihoods of
 * the CLV models (3–4 parameters on a log scale). Deterministic: same input, same path, same answer.
 */

export interface MinimizeOptions {
  /** Stop when every vertex is within this distance (max-norm) of the best one. */
  readonly xTolerance?: number;
  /** …and every vertex's value is within this of the best value. */
  readonly fTolerance?: number;
  /** Budget of objective evaluations across all restarts (checked per iteration, so the last may overrun by n + 2). */
  readonly maxEvaluations?: number;
  /** Edge of the initial simplex; restarts use a fifth of it, as they start next to the optimum. */
  readonly initialStep?: number;
  /** Restarts from the best point; stops early once a restart no longer improves. */
  readonly maxRestarts?: number;
}

export interface MinimizeResult {
  readonly x: readonly number[];
  readonly value: number;
  readonly evaluations: number;
  readonly restarts: number;
  /** False when the evaluation budget ran out before the tolerances were met. */
  readonly converged: boolean;
}

const DEFAULTS = {
  xTolerance: 1e-9,
  fTolerance: 1e-10,
  maxEvaluations: 20_000,
  initialStep: 0.5,
  maxRestarts: 6,
} as const;

interface Vertex {
  x: number[];
  f: number;
}

/** Non-finite values (overflow, invalid region) count as +∞ so the simplex walks away from them. */
function safe(f: (x: readonly number[]) => number): (x: readonly number[]) => number {
  return (x) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
}

/** x0 + t·(x1 − x0), elementwise. */
function along(x0: readonly number[], x1: readonly number[], t: number): number[] {
  return x0.map((v, i) => v + t * ((x1[i] as number) - v));
}

function nelderMeadOnce(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  opts: Required<MinimizeOptions>,
  budget: number,
): { best: Vertex; evaluations: number; converged: boolean } {
  const n = start.length;
  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    return { x, f: f(x) };
  };
  const simplex: Vertex[] = [evaluate([...start])];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = (x[i] as number) + opts.initialStep;
    simplex.push(evaluate(x));
  }
  // Standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½) suit n ≤ 5.
  while (evaluations < budget) {
    simplex.sort((p, q) => p.f - q.f);
    const best = simplex[0] as Vertex;
    const worst = simplex[n] as Vertex;
    const second = simplex[n - 1] as Vertex;
    const xSpread = Math.max(
      ...simplex.map((v) => Math.max(...v.x.map((xi, i) => Math.abs(xi - (best.x[i] as number))))),
    );
    if (xSpread <= opts.xTolerance && worst.f - best.f <= opts.fTolerance) {
      return { best, evaluations, converged: true };
    }
    // Centroid of all vertices but the worst.
    const centroid = best.x.map(
      (_, i) => simplex.slice(0, n).reduce((s, v) => s + (v.x[i] as number), 0) / n,
    );

    const reflected = evaluate(along(centroid, worst.x, -1));
    if (reflected.f < best.f) {
      const expanded = evaluate(along(centroid, worst.x, -2));
      simplex[n] = expanded.f < reflected.f ? expanded : reflected;
    } else if (reflected.f < second.f) {
      simplex[n] = reflected;
    } else {
      // Contract toward the better of the reflected and the worst point.
      const outside = reflected.f < worst.f;
      const contracted = evaluate(along(centroid, worst.x, outside ? -0.5 : 0.5));
      if (contracted.f < (outside ? reflected.f : worst.f)) {
        simplex[n] = contracted;
      } else {
        for (let j = 1; j <= n; j++) simplex[j] = evaluate(along(best.x, (simplex[j] as Vertex).x, 0.5));
      }
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return { best: simplex[0] as Vertex, evaluations, converged: false };
}

/**
 * Minimises f from x0. Nelder–Mead can stall on a collapsed simplex short of the optimum, so after
 * each convergence it restarts from the best point with a fresh simplex, until a restart improves
 * the value by no more than fTolerance.
 */
export function minimize(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const opts: Required<MinimizeOptions> = { ...DEFAULTS, ...options };
  const objective = safe(f);
  let evaluations = 0;
  let restarts = 0;
  let run = nelderMeadOnce(objective, x0, opts, opts.maxEvaluations);
  evaluations += run.evaluations;
  let best = run.best;
  let converged = run.converged;
  while (converged && restarts < opts.maxRestarts && evaluations < opts.maxEvaluations) {
    restarts++;
    run = nelderMeadOnce(
      objective,
      best.x,
      { ...opts, initialStep: opts.initialStep / 5 },
      opts.maxEvaluations - evaluations,
    );
    evaluations += run.evaluations;
    converged = run.converged;
    const improvement = best.f - run.best.f;
    if (run.best.f < best.f) best = run.best;
    if (improvement <= opts.fTolerance) break;
  }
  return { x: best.x, value: best.f, evaluations, restarts, converged };
}

/** An objective with its gradient, evaluated together (they share most of their work). */
export type SmoothObjective = (x: readonly number[]) => { value: number; gradient: number[] };

export interface SmoothOptions {
  /** Stop when every component of the gradient is within this of 0. */
  readonly gradientTolerance?: number;
  readonly maxIterations?: number;
}

const SMOOTH_DEFAULTS = { gradientTolerance: 1e-10, maxIterations: 500 } as const;

const dot = (u: readonly number[], v: readonly number[]): number =>
  u.reduce((s, ui, i) => s + ui * (v[i] as number), 0);
const maxAbs = (v: readonly number[]): number => Math.max(...v.map(Math.abs));

/**
 * Quasi-Newton minimisation (BFGS, backtracking line search) of a smooth objective with an
 * analytic gradient: tens of evaluations where Nelder–Mead needs a thousand, each a few times
 * dearer. Converged means a vanishing gradient — a stationary point, not just a collapsed simplex.
 * Near the optimum the value's decrease falls below its own rounding (a sum of 10⁵ terms), so a
 * step whose value does not measurably rise is accepted when it shrinks the gradient.
 * Deterministic; not converged when the iteration budget runs out or the search stalls, for the
 * caller to fall back on `minimize`.
 */
export function minimizeSmooth(
  fg: SmoothObjective,
  x0: readonly number[],
  options: SmoothOptions = {},
): MinimizeResult {
  const opts: Required<SmoothOptions> = { ...SMOOTH_DEFAULTS, ...options };
  const n = x0.length;
  let evaluations = 0;
  const evaluate = (x: number[]) => {
    evaluations++;
    const r = fg(x);
    const finite = Number.isFinite(r.value) && r.gradient.every(Number.isFinite);
    return { x, value: finite ? r.value : Infinity, gradient: r.gradient };
  };
  let current = evaluate([...x0]);
  if (!Number.isFinite(current.value))
    return { x: x0, value: Infinity, evaluations, restarts: 0, converged: false };
  // Inverse Hessian estimate, row-major; identity until the first step scales it.
  let h = identity(n);
  let first = true;
  for (let iteration = 0; iteration < opts.maxIterations; iteration++) {
    const g = current.gradient;
    if (maxAbs(g) <= opts.gradientTolerance) {
      return { x: current.x, value: current.value, evaluations, restarts: 0, converged: true };
    }
    let d = h.map((row) => -dot(row, g));
    if (dot(d, g) >= 0) {
      h = identity(n); // not a descent direction: the estimate went bad
      d = g.map((v) => -v);
    }
    // Steps are in log-parameters: more than 2 (a factor e² ≈ 7.4) at once only overflows.
    const longest = maxAbs(d);
    if (longest > 2) d = d.map((v) => (v * 2) / longest);
    const slope = dot(d, g);
    const noise = 1e-13 * Math.max(1, Math.abs(current.value));
    let step = 1;
    let next: ReturnType<typeof evaluate> | null = null;
    for (let k = 0; k < 60; k++) {
      const trial = evaluate(current.x.map((v, i) => v + step * (d[i] as number)));
      const decreased = trial.value <= current.value + 1e-4 * step * slope;
      const flat =
        trial.value <= current.value + noise &&
        maxAbs(trial.gradient) < maxAbs(g) &&
        Number.isFinite(trial.value);
      if (decreased || flat) {
        next = trial;
        break;
      }
      step /= 2;
    }
    if (!next) return { x: current.x, value: current.value, evaluations, restarts: 0, converged: false };
    const s = next.x.map((v, i) => v - (current.x[i] as number));
    const y = next.gradient.map((v, i) => v - (g[i] as number));
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (first) {
        const scale = sy / dot(y, y);
        h = identity(n).map((row) => row.map((v) => v * scale));
        first = false;
      }
      h = bfgsUpdate(h, s, y, sy);
    }
    current = next;
  }
  return {
    x: current.x,
    value: current.value,
    evaluations,
    restarts: 0,
    converged: maxAbs(current.gradient) <= opts.gradientTolerance,
  };
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(yᵀs). */
function bfgsUpdate(h: number[][], s: number[], y: number[], sy: number): number[][] {
  const rho = 1 / sy;
  const hy = h.map((row) => dot(row, y));
  const yhy = dot(y, hy);
  return h.map((row, i) =>
    row.map(
      (v, j) =>
        v -
        rho * ((hy[i] as number) * (s[j] as number) + (s[i] as number) * (hy[j] as number)) +
        (rho * rho * yhy + rho) * (s[i] as number) * (s[j] as number),
    ),
  );
}
