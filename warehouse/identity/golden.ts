import { csvSafe } from '../../transforms/normalize/index.js';
import { CONTACT_FIELDS } from '../tables.js';

export interface GoldenOptions {
  /** Sources in order of trust: a non-empty value from an earlier source wins. */
  sourcePriority?: readonly string[];
}

export interface ClusterMember {
  source: string;
  sourceKey: string;
  fields: Record<string, string | null>;
  /** When the warehouse last wrote the record: for last_seen only, never to choose a value. */
  updatedAt: string;
  firstSeen: string;
}

export type GoldenRecord = Record<string, string | number | null>;

/** Members in a fixed order of their data: source, then key (code-unit order, as on every engine's binary collation). */
function byRecord(a: ClusterMember, b: ClusterMember): number {
  return a.source < b.source
    ? -1
    : a.source > b.source
      ? 1
      : a.sourceKey < b.sourceKey
        ? -1
        : a.sourceKey > b.sourceKey
          ? 1
          : 0;
}

/**
 * Survivorship per column: among members with a value, those of the most trusted source (when
 * a priority is configured), then the most frequent value, then the value of the first member by
 * source and key. Every choice is made by the data: never by when a record was loaded or linked,
 * which differs between two runs over the same input (and more so when one was killed and run
 * again), so the same staged records always give the same golden record.
 * Name parts travel together, from the first member that gave the chosen last name, so a golden
 * record never mixes one person's surname with another spelling's first name.
 */
export function goldenRecord(
  customerId: number,
  given: readonly ClusterMember[],
  options: GoldenOptions = {},
): GoldenRecord {
  const members = [...given].sort(byRecord);
  const rank = (source: string) => {
    const i = options.sourcePriority?.indexOf(source) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const pick = (column: string): { value: string; member: ClusterMember } | null => {
    const withValue = members.filter((m) => m.fields[column]);
    if (withValue.length === 0) return null;
    const best = Math.min(...withValue.map((m) => rank(m.source)));
    // In member order: each value's entry is made by its first member, and ties go to the value
    // met first.
    const counts = new Map<string, { n: number; first: ClusterMember }>();
    for (const m of withValue) {
      if (rank(m.source) !== best) continue;
      const v = m.fields[column]!;
      const c = counts.get(v);
      if (c) c.n++;
      else counts.set(v, { n: 1, first: m });
    }
    let chosen: [string, { n: number; first: ClusterMember }] | null = null;
    for (const entry of counts) if (!chosen || entry[1].n > chosen[1].n) chosen = entry;
    return { value: chosen![0], member: chosen![1].first };
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
