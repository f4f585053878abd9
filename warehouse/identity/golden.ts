import { csvSafe } from '../../transforms/normalize/index.js';
import { CONTACT_FIELDS } from '../tables.js';

export interface GoldenOptions {
  /** Sources in order of trust: a non-empty value from an earlier source wins. */
  sourcePriority?: readonly string[];
}

export interface ClusterMember {
  source: string;
  fields: Record<string, string | null>;
  updatedAt: string;
  firstSeen: string;
}

export type GoldenRecord = Record<string, string | number | null>;

/**
 * Survivorship per column: among members with a value, those of the most trusted source (when
 * a priority is configured), then the most frequent value, then the most recently updated.
 * Name parts travel together, from the member that gave the chosen last name, so a golden
 * record never mixes one person's surname with another spelling's first name.
 */
export function goldenRecord(
  customerId: number,
  members: readonly ClusterMember[],
  options: GoldenOptions = {},
): GoldenRecord {
  const rank = (source: string) => {
    const i = options.sourcePriority?.indexOf(source) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const pick = (column: string): { value: string; member: ClusterMember } | null => {
    const withValue = members.filter((m) => m.fields[column]);
    if (withValue.length === 0) return null;
    const best = Math.min(...withValue.map((m) => rank(m.source)));
    const trusted = withValue.filter((m) => rank(m.source) === best);
    const counts = new Map<string, { n: number; latest: ClusterMember }>();
    for (const m of trusted) {
      const v = m.fields[column]!;
      const c = counts.get(v);
      if (!c) counts.set(v, { n: 1, latest: m });
      else {
        c.n++;
        if (m.updatedAt > c.latest.updatedAt) c.latest = m;
      }
    }
    let chosen: [string, { n: number; latest: ClusterMember }] | null = null;
    for (const entry of counts) {
      if (
        !chosen ||
        entry[1].n > chosen[1].n ||
        (entry[1].n === chosen[1].n &&
          (entry[1].latest.updatedAt > chosen[1].latest.updatedAt ||
            (entry[1].latest.updatedAt === chosen[1].latest.updatedAt && entry[0] < chosen[0])))
      ) {
        chosen = entry;
      }
    }
    return { value: chosen![0], member: chosen![1].latest };
  };

  const golden: GoldenRecord = { customer_id: customerId };
  for (const { name } of CONTACT_FIELDS) golden[name] = pick(name)?.value ?? null;
  const nameSource = pick('last_name')?.member ?? pick('full_name')?.member;
  if (nameSource) {
    for (const part of ['last_name', 'first_name', 'middle_name', 'full_name'])
      golden[part] = nameSource.fields[part] ?? golden[part] ?? null;
  }
  // Staging makes formulas inert (canonical/values.ts); rows staged before it did are made so here.
  for (const { name } of CONTACT_FIELDS) {
    const value = golden[name];
    if (typeof value === 'string') golden[name] = csvSafe(value);
  }
  golden.first_seen = members.reduce((a, m) => (m.firstSeen < a ? m.firstSeen : a), members[0]!.firstSeen);
  golden.last_seen = members.reduce((a, m) => (m.updatedAt > a ? m.updatedAt : a), members[0]!.updatedAt);
  golden.record_count = members.length;
  return golden;
}
