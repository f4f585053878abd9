import { F_COMPANY, F_FIRST, F_LAST } from '../shared/fields.js';
import { jaroWinkler } from '../compare/jaro-winkler.js';
import type { Prepared } from '../types/prepared.js';

/** Surnames this close are one surname for the guard (Ustinov / Ustinow / Ustinova). */
const SAME_SURNAME = 0.85;

/**
 * How many different people hold a shared value, counted leniently — the guard must not call an
 * email "shared" because one person wrote their name five ways (Устинов Захар, Ustinow Sachar,
 * "Zakhar" in the surname column). Two records are the same name when their surnames are close
 * in either column order; records without a surname compare by company, else by given name;
 * nameless records together count as one. Greedy grouping, stopping once above `limit`
 * (groups are small: values held by more than maxBlockSize records are refused before this).
 */
export function distinctNames(p: Prepared, records: readonly number[], limit: number): number {
  const reps: number[] = [];
  let nameless = 0;
  for (const r of records) {
    if (!hasName(p, r)) {
      nameless = 1;
      continue;
    }
    if (!reps.some((x) => sameName(p, x, r))) {
      reps.push(r);
      if (reps.length + nameless > limit) break;
    }
  }
  return reps.length + nameless;
}

function hasName(p: Prepared, r: number): boolean {
  return (
    p.cols[F_LAST]!.codes[r]! >= 0 || p.cols[F_COMPANY]!.codes[r]! >= 0 || p.cols[F_FIRST]!.codes[r]! >= 0
  );
}

function sameName(p: Prepared, a: number, b: number): boolean {
  const first = p.cols[F_FIRST]!;
  const last = p.cols[F_LAST]!;
  const la = last.codes[a]!;
  const lb = last.codes[b]!;
  if (la >= 0 && lb >= 0) {
    const x = last.values[la]!;
    if (la === lb || jaroWinkler(x, last.values[lb]!) >= SAME_SURNAME) return true;
    // Surname typed into the given-name column on either side.
    const fa = first.codes[a]!;
    const fb = first.codes[b]!;
    if (fb >= 0 && jaroWinkler(x, first.values[fb]!) >= SAME_SURNAME) return true;
    return fa >= 0 && jaroWinkler(first.values[fa]!, last.values[lb]!) >= SAME_SURNAME;
  }
  if (la >= 0 || lb >= 0) return false;
  const company = p.cols[F_COMPANY]!;
  if (company.codes[a]! >= 0 || company.codes[b]! >= 0) return company.codes[a] === company.codes[b];
  return first.codes[a] === first.codes[b];
}
