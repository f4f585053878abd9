import type { Attr, BlockingRule } from '../types/blocking.js';
import { compareInto } from '../compare/compare.js';
import { collectPatterns, runEm } from './em.js';
import {
  F_CITY,
  F_COMPANY,
  F_DOB,
  F_EMAIL,
  F_FIRST,
  F_HOUSE,
  F_LAST,
  F_PHONE,
  F_PID,
  F_POSTCODE,
  F_REGION,
  F_STREET,
  F_TAX,
  FIELDS,
  MISSING,
} from '../shared/fields.js';
import type { PairBuffer } from '../block/pair-buffer.js';
import type { Prepared } from '../types/prepared.js';

/**
 * m probabilities by EM, one session per blocking rule (the approach Splink takes).
 *
 * Within the pairs of one rule — say "same given name and postcode" — the non-matches are people
 * who happen to share a given name and a postcode; on every *other* field they look like two
 * random people, so u from random pairs describes them and EM with u fixed is well specified
 * there. The rule's own fields (and fields tied to them: an address agrees with its postcode)
 * carry no information in that session and are left out. Each field's m is then the average over
 * the sessions that estimated it, weighted by the matches each session found.
 *
 * EM over all candidate pairs at once does not work: candidate non-matches agree on blocking
 * keys far more than random pairs, so with u fixed EM explains them as matches with "mostly
 * disagreeing" fields, and with u free it splits the matches into clean and corrupted ones.
 */

const ADDRESS = [F_STREET, F_HOUSE, F_CITY, F_POSTCODE, F_REGION];

/** Fields a blocking attribute says something about. */
const INFORMS: Record<Attr, readonly number[]> = {
  email: [F_EMAIL],
  phone: [F_PHONE],
  tax_id: [F_TAX, F_COMPANY],
  personal_id: [F_PID],
  given_name: [F_FIRST],
  given_phonetic: [F_FIRST],
  given_initial: [F_FIRST],
  given_family: [F_FIRST],
  surname_family: [F_LAST],
  email_local: [F_EMAIL],
  phone_suffix: [F_PHONE],
  surname: [F_LAST],
  surname_phonetic: [F_LAST],
  surname_initial: [F_LAST],
  birth_year: [F_DOB],
  birth_date: [F_DOB],
  postcode: ADDRESS,
  city: ADDRESS,
  // Colleagues share the employer's switchboard and INN.
  company: [F_COMPANY, F_TAX, F_PHONE],
};

/** Sessions smaller than this are not worth an EM run. */
const MIN_SESSION = 50;

export interface SessionEstimate {
  /** Per field: m per level, or null when no session could estimate it. */
  m: Array<Float64Array | null>;
  sessions: number;
  iterations: number;
  converged: boolean;
}

export function estimateM(
  p: Prepared,
  rules: readonly BlockingRule[],
  sessions: readonly PairBuffer[],
  u: readonly Float64Array[],
  maxIterations: number,
): SessionEstimate {
  const F = FIELDS.length;
  const levelCounts = FIELDS.map((f) => f.levels.length);
  const sum = levelCounts.map((L) => new Float64Array(L));
  const weight = new Float64Array(F);
  let used = 0;
  let iterations = 0;
  let converged = true;
  sessions.forEach((pairs, r) => {
    if (pairs.length < MIN_SESSION) return;
    const excluded = new Set(rules[r]!.parts.flatMap((a) => INFORMS[a]));
    const levels = new Uint8Array(pairs.length * F);
    const present = new Float64Array(F);
    for (let k = 0; k < pairs.length; k++) {
      compareInto(p, pairs.left[k]!, pairs.right[k]!, levels, k * F);
      for (let f = 0; f < F; f++) {
        if (excluded.has(f)) levels[k * F + f] = MISSING;
        else if (levels[k * F + f] !== MISSING) present[f]!++;
      }
    }
    const mStart = levelCounts.map((L) => {
      const m = new Float64Array(L).fill(0.1 / Math.max(L - 1, 1));
      m[0] = 0.9;
      return m;
    });
    const em = runEm(
      collectPatterns(levels, pairs.length, levelCounts),
      { lambda: 0.5, m: mStart, u: [...u] },
      maxIterations,
      { fixU: true },
    );
    used++;
    iterations = Math.max(iterations, em.iterations);
    converged &&= em.converged;
    for (let f = 0; f < F; f++) {
      // Weight: matches this session saw with the field present.
      const w = em.lambda * present[f]!;
      if (excluded.has(f) || w <= 0) continue;
      for (let l = 0; l < levelCounts[f]!; l++) sum[f]![l]! += w * em.m[f]![l]!;
      weight[f]! += w;
    }
  });
  const m = sum.map((s, f) => (weight[f]! > 0 ? s.map((v) => v / weight[f]!) : null));
  return { m, sessions: used, iterations, converged };
}
