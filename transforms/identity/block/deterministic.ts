import { F_EMAIL, F_FIRST, F_MIDDLE, F_PHONE, F_TAX, FIELD_COUNT } from '../shared/fields.js';
import { commonNames, holdersDisagree } from './disagreeing-holders.js';
import { distinctNames } from './distinct-names.js';
import type { Guards } from '../types/blocking.js';
import type { Prepared } from '../types/prepared.js';
import type { GuardStat, TrainedModel } from '../types/public.js';

/**
 * Deterministic rules: the same email, phone or tax id links two records outright — but only
 * when the value really identifies one customer. A value is *shared* (not an identifier) when
 *
 * - it is a role address (info@, sales@…), or
 * - two of the records holding it disagree on who they are — given names, birth dates,
 *   patronymics or cities (a family mailbox, a firm's address, "iivanov@mail.ru" typed by two
 *   namesakes; see disagreeing-holders.ts): then the value is not one person's, and even two of
 *   its holders that nothing tells apart are no longer linked by it, or
 * - the records holding it carry more than `maxNames` distinct names (an office switchboard, a
 *   family mailbox used by five people, a company INN on every employee's card; see
 *   distinct-names.ts), or
 * - more than `maxRecords` records hold it (too big to be one person however they are named).
 *
 * or it was found shared by an earlier run (`known`, value hashes from the model): an incremental
 * run sees only a few of the records holding a switchboard phone. All of this is learned from
 * the records of the run — counts and comparisons per value — except the role local parts.
 *
 * The pair check (not clearly different on the other fields) happens in edges.ts, which has the
 * scorer. Refused values are recorded in `p.sharedValues`, so the scorer treats agreeing on
 * them as no evidence at all.
 */
export const DETERMINISTIC_FIELDS = [
  { rule: 'email', field: F_EMAIL },
  { rule: 'phone', field: F_PHONE },
  { rule: 'tax_id', field: F_TAX },
] as const;

export type DeterministicRule = (typeof DETERMINISTIC_FIELDS)[number]['rule'];

/** Why a value is no identifier, by code (Guards.reason); 0: it is one. */
export const SHARED_REASONS = [
  '',
  'a role address',
  'held by records that disagree on who they are',
  'held by records of too many different names',
  'held by too many records',
  'found shared by an earlier run',
] as const;
const ROLE = 1;
const DISAGREE = 2;
const NAMES = 3;
const RECORDS = 4;
const KNOWN = 5;

export function computeGuards(
  p: Prepared,
  maxNames: number,
  maxRecords: number,
  known: TrainedModel['sharedValues'] | null,
  /** Term frequencies of the last full run's model: which names are common in the population. */
  names: TrainedModel['termFrequencies'] | null = null,
): Guards {
  const usable: Uint8Array[] = [];
  const reason: Uint8Array[] = [];
  const stats: GuardStat[] = [];
  const scratch = new Uint8Array(FIELD_COUNT);
  const common = { first: commonNames(p, F_FIRST, names), middle: commonNames(p, F_MIDDLE, names) };
  for (const { rule, field } of DETERMINISTIC_FIELDS) {
    const col = p.cols[field]!;
    const values = col.values.length;
    const ok = new Uint8Array(values).fill(1);
    const why = new Uint8Array(values);
    const refuse = (c: number, code: number): void => {
      ok[c] = 0;
      why[c] = code;
    };
    if (field === F_EMAIL) for (let c = 0; c < values; c++) if (p.roleEmail[c]) refuse(c, ROLE);
    if (known) {
      const hashes = new Set(known[rule]);
      for (let c = 0; c < values; c++) if (ok[c] === 1 && hashes.has(col.valueHash[c]!)) refuse(c, KNOWN);
    }
    // Group positions by code (counting sort), then count distinct names per shared value.
    const start = new Int32Array(values + 1);
    for (let i = 0; i < p.n; i++) {
      const c = col.codes[i]!;
      if (c >= 0) start[c + 1]!++;
    }
    for (let c = 0; c < values; c++) start[c + 1]! += start[c]!;
    const fill = start.slice(0, values);
    const members = new Int32Array(start[values]!);
    for (let i = 0; i < p.n; i++) {
      const c = col.codes[i]!;
      if (c >= 0) members[fill[c]!++] = i;
    }
    const group: number[] = [];
    for (let c = 0; c < values; c++) {
      const size = col.counts[c]!;
      if (size < 2 || ok[c] === 0) continue;
      if (size > maxRecords) {
        refuse(c, RECORDS);
        continue;
      }
      group.length = 0;
      for (let k = start[c]!; k < start[c + 1]!; k++) group.push(members[k]!);
      if (distinctNames(p, group, maxNames) > maxNames) refuse(c, NAMES);
      else if (holdersDisagree(p, group, common, scratch) !== 0) refuse(c, DISAGREE);
    }
    let shared = 0;
    for (let c = 0; c < values; c++) if (ok[c] === 0) shared++;
    usable.push(ok);
    reason.push(why);
    stats.push({ rule, sharedValues: shared, links: 0, vetoed: 0 });
    p.sharedValues[field] = ok.map((v) => 1 - v);
  }
  return { usable, reason, stats };
}

/** Value hashes of the refused shared values (not role addresses), to remember in the model. */
export function sharedValueHashes(p: Prepared, guards: Guards): TrainedModel['sharedValues'] {
  const out: TrainedModel['sharedValues'] = { email: [], phone: [], tax_id: [] };
  DETERMINISTIC_FIELDS.forEach(({ rule, field }, r) => {
    const col = p.cols[field]!;
    const ok = guards.usable[r]!;
    for (let c = 0; c < ok.length; c++) {
      if (ok[c] === 0 && !(field === F_EMAIL && p.roleEmail[c])) out[rule].push(col.valueHash[c]!);
    }
  });
  return out;
}

/**
 * Index into DETERMINISTIC_FIELDS of the first rule that links positions a and b, or -1.
 */
export function deterministicRule(p: Prepared, guards: Guards, a: number, b: number): number {
  for (let r = 0; r < DETERMINISTIC_FIELDS.length; r++) {
    const col = p.cols[DETERMINISTIC_FIELDS[r]!.field]!;
    const c = col.codes[a]!;
    if (c >= 0 && c === col.codes[b]! && guards.usable[r]![c] === 1) return r;
  }
  return -1;
}
