import { DETERMINISTIC_FIELDS, deterministicRule } from '../block/deterministic.js';
import type { Guards } from '../types/blocking.js';
import {
  F_COMPANY,
  F_DOB,
  F_EMAIL,
  F_MIDDLE,
  F_PHONE,
  F_PID,
  F_POSTCODE,
  F_TAX,
  FIELDS,
  MISSING,
} from '../shared/fields.js';
import type { PairBuffer } from '../block/pair-buffer.js';
import type { Prepared } from '../types/prepared.js';
import type { PairScorer } from '../train/scorer.js';

/** Rule code of an edge: index into DETERMINISTIC_FIELDS, or FS_RULE. */
export const FS_RULE = DETERMINISTIC_FIELDS.length;

/**
 * The pairs that may link records, in the order clustering applies them: deterministic edges
 * first, then Fellegi–Sunter edges, each strongest first. `pair` indexes the candidate buffer.
 */
export interface Edges {
  count: number;
  pair: Int32Array;
  rule: Uint8Array;
  /**
   * 1 for a weak FS edge: nothing but the names (and the city or street) agrees — no birth
   * date, identifier, postcode or patronymic. Namesakes look exactly like that, so clustering
   * applies weak edges last and only where they are unambiguous (clustering-run.ts).
   */
  weak: Uint8Array;
}

export interface EdgeCounts {
  deterministic: number[];
  vetoed: number[];
}

const MAX_PAIRS = 2 ** 27;
const IDENTIFIER_BITS = DETERMINISTIC_FIELDS.reduce((bits, d) => bits | (1 << d.field), 0);
const Q = 2 ** 20;

/**
 * Deterministic edges need a usable shared value and must not be clearly different on the other
 * fields (scorer.lastVetoed over the fields other than email/phone/tax id): one family mailbox
 * does not make husband and wife one customer. FS edges need evidence ≥ `minEvidence` and must not
 * be vetoed either.
 */
export function selectEdges(
  p: Prepared,
  pairs: PairBuffer,
  levels: Uint8Array,
  /** Filled in: the evidence of every candidate pair. */
  evidence: Float64Array,
  scorer: PairScorer,
  guards: Guards,
  minEvidence: number,
  vetoWeight: number,
): { edges: Edges; counts: EdgeCounts } {
  if (pairs.length >= MAX_PAIRS)
    throw new RangeError(`too many candidate pairs (${pairs.length}); lower maxBlockSize`);
  const F = FIELDS.length;
  const counts: EdgeCounts = {
    deterministic: DETERMINISTIC_FIELDS.map(() => 0),
    vetoed: DETERMINISTIC_FIELDS.map(() => 0),
  };
  const keys: number[] = [];
  const ruleOf = new Map<number, number>();
  for (let k = 0; k < pairs.length; k++) {
    const a = pairs.left[k]!;
    const b = pairs.right[k]!;
    const r = deterministicRule(p, guards, a, b);
    // Contradictions outside the identifier fields (rules) or anywhere (FS): clearly different
    // people never get an edge, however strong a shared phone or email makes the total.
    const ev = scorer.evidenceOfLevels(levels, k * F, a, r >= 0 ? IDENTIFIER_BITS : 0);
    evidence[k] = ev;
    const contradicted = scorer.lastVetoed(vetoWeight);
    let group = -1;
    if (r >= 0) {
      if (contradicted) {
        counts.vetoed[r]!++;
        continue;
      }
      group = 0;
      ruleOf.set(k, r);
      counts.deterministic[r]!++;
    }
    if (group < 0 && ev >= minEvidence && !contradicted) group = corroborated(levels, k * F) ? 1 : 2;
    if (group < 0) continue;
    // Stronger first: invert the quantized evidence; ties keep candidate order.
    const q = Math.min(Math.max(Q / 2 - Math.round(ev * 256), 0), Q - 1);
    keys.push(group * 2 ** 47 + q * MAX_PAIRS + k);
  }
  const sorted = Float64Array.from(keys).sort();
  const pair = new Int32Array(sorted.length);
  const rule = new Uint8Array(sorted.length);
  const weak = new Uint8Array(sorted.length);
  for (let e = 0; e < sorted.length; e++) {
    const k = sorted[e]! % MAX_PAIRS;
    pair[e] = k;
    rule[e] = ruleOf.get(k) ?? FS_RULE;
    weak[e] = sorted[e]! >= 2 * 2 ** 47 ? 1 : 0;
  }
  return { edges: { count: sorted.length, pair, rule, weak }, counts };
}

/** Fields whose agreement says more than a shared name and place does. */
const CORROBORATING = [F_DOB, F_EMAIL, F_PHONE, F_PID, F_TAX, F_POSTCODE, F_MIDDLE, F_COMPANY];

/** Whether a pair agrees (any level but the last, "else") on a field beyond names and place. */
function corroborated(levels: Uint8Array, off: number): boolean {
  for (const f of CORROBORATING) {
    const l = levels[off + f]!;
    if (l !== MISSING && l < FIELDS[f]!.levels.length - 1) return true;
  }
  return false;
}
