import type { Merge, Overrides, ResolveResult } from '../../transforms/identity/index.js';
import type { Warehouse } from '../connection.js';
import { describeOverride, listOverrides, overridesRemovedSince, type StoredOverride } from './overrides.js';
import { recordKey } from './read-inputs.js';

/** The overrides in force, as the record ids of this run, each with the override it came from. */
export interface RunOverrides {
  pairs: { mustLink: Array<[number, number]>; cannotLink: Array<[number, number]> } & Overrides;
  applied: Array<{ override: StoredOverride; a: number; b: number }>;
  /** Overrides removed since the last resolve (incremental runs): their records are compared afresh. */
  removed: Array<{ override: StoredOverride; a: number; b: number }>;
}

/**
 * The overrides in force, and those removed since `removedSince` (the start of the last resolve;
 * none in a full run, which compares everything anyway), as record ids of this run.
 */
export async function readOverrides(
  wh: Warehouse,
  idOf: Map<string, number>,
  removedSince: Date | null,
): Promise<RunOverrides> {
  const out: RunOverrides = { pairs: { mustLink: [], cannotLink: [] }, applied: [], removed: [] };
  const ids = (o: StoredOverride) => {
    const a = idOf.get(recordKey(o.a.source, o.a.sourceKey));
    const b = idOf.get(recordKey(o.b.source, o.b.sourceKey));
    return a === undefined || b === undefined ? null : { override: o, a, b }; // a record no longer staged
  };
  for (const o of await listOverrides(wh)) {
    const found = ids(o);
    if (!found) continue;
    (o.kind === 'same' ? out.pairs.mustLink : out.pairs.cannotLink).push([found.a, found.b]);
    out.applied.push(found);
  }
  for (const o of removedSince ? await overridesRemovedSince(wh, removedSince) : []) {
    const found = ids(o);
    if (found) out.removed.push(found);
  }
  return out;
}

const reason = (o: StoredOverride) => `operator override ${describeOverride(o)}`;
const undone = (o: StoredOverride) => `operator removed override ${describeOverride(o)}`;

/**
 * Which merges and splits of this run an override made, for the merge log: a merge whose absorbed
 * customer held one record of a "same" override and whose surviving customer now holds both; a
 * split that parted the two records of a "different" override that were one customer before, or
 * that took the two records of a "same" override, from two customers, into a new one (the rules
 * refused to join either whole customer with the other: see cluster/cluster.ts).
 */
export function overrideReasons(
  overrides: RunOverrides,
  result: Pick<ResolveResult, 'assignment'>,
  existing: ReadonlyMap<number, number>,
): { merge(m: Merge): string | null; split(s: { fromId: number; newId: number }): string | null } {
  const now = (id: number) => result.assignment.get(id);
  return {
    merge(m) {
      for (const { override, a, b } of overrides.applied) {
        if (override.kind !== 'same' || now(a) !== m.survivingId || now(b) !== m.survivingId) continue;
        const [ea, eb] = [existing.get(a), existing.get(b)];
        if (ea !== eb && (ea === m.absorbedId || eb === m.absorbedId)) return reason(override);
      }
      // A "different" taken back: its records, apart before, are one customer again.
      for (const { override, a, b } of overrides.removed) {
        if (override.kind !== 'different' || now(a) !== m.survivingId || now(b) !== m.survivingId) continue;
        const [ea, eb] = [existing.get(a), existing.get(b)];
        if (ea !== eb && (ea === m.absorbedId || eb === m.absorbedId)) return undone(override);
      }
      // A "same" taken back: the customer it made is absorbed where its records belong.
      for (const { override, a, b } of overrides.removed)
        if (override.kind === 'same' && existing.get(a) === m.absorbedId && existing.get(b) === m.absorbedId)
          return undone(override);
      return null;
    },
    split(s) {
      for (const { override, a, b } of overrides.applied) {
        const [ea, eb] = [existing.get(a), existing.get(b)];
        if (override.kind === 'different') {
          if (
            ea === s.fromId &&
            eb === s.fromId &&
            now(a) !== now(b) &&
            (now(a) === s.newId || now(b) === s.newId)
          )
            return reason(override);
        } else if (
          now(a) === s.newId &&
          now(b) === s.newId &&
          (ea === s.fromId || eb === s.fromId) &&
          ea !== eb
        ) {
          // A "same" that pulled a record out of its customer, together with the other one.
          return reason(override);
        }
      }
      for (const { override, a, b } of overrides.removed) {
        const [ea, eb] = [existing.get(a), existing.get(b)];
        if (override.kind === 'same' && ea === s.fromId && eb === s.fromId && now(a) !== now(b))
          return undone(override);
      }
      return null;
    },
  };
}
