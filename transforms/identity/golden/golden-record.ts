import { companyInName, csvSafe, type CompanyInName } from '../../normalize/index.js';
import { composeName, scriptOf, type Script } from './name-script.js';

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

const NAME_PARTS = ['last_name', 'first_name', 'middle_name'] as const;
type NamePart = (typeof NAME_PARTS)[number];

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
 * The golden record of one customer from its members' staged `columns`.
 *
 * Survivorship per column: among members with a value, those of the most trusted source (when
 * a priority is configured), then the most frequent value, then the value of the first member by
 * source and key. Every choice is made by the data: never by when a record was loaded or linked,
 * nor by the order the members are given in, so the same staged records always give the same
 * golden record.
 *
 * The person's name is one person's name in one script: the script of the best name (the chosen
 * last name's, as above), and every part from members writing the name in that script, the parts
 * of the member that gave the last name first — never a Latin first name beside a Cyrillic
 * patronymic. A company written in a name column ("ООО «Ромашка»", staged before staging
 * recognised it) is no one's name: it is offered as the company instead.
 */
export function survive(
  customerId: number,
  given: readonly ClusterMember[],
  columns: readonly string[],
  options: GoldenOptions = {},
): GoldenRecord {
  const members = [...given].sort(byRecord);
  const rank = (source: string) => {
    const i = options.sourcePriority?.indexOf(source) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const ranked = options.sourcePriority !== undefined && options.sourcePriority.length > 0;
  const pick = (
    column: string,
    among: readonly ClusterMember[] = members,
    valueOf: (m: ClusterMember) => string | null | undefined = (m) => m.fields[column],
  ): { value: string; member: ClusterMember } | null => {
    // Two passes, no copies: golden records are built for every customer a run touches.
    let best = Number.MAX_SAFE_INTEGER;
    let any = false;
    for (const m of among) {
      if (!valueOf(m)) continue;
      any = true;
      if (ranked) best = Math.min(best, rank(m.source));
    }
    if (!any) return null;
    // In member order: each value's entry is made by its first member, and ties go to the value
    // met first.
    const counts = new Map<string, { n: number; first: ClusterMember }>();
    for (const m of among) {
      const v = valueOf(m);
      if (!v || (ranked && rank(m.source) !== best)) continue;
      const c = counts.get(v);
      if (c) c.n++;
      else counts.set(v, { n: 1, first: m });
    }
    let chosen: [string, { n: number; first: ClusterMember }] | null = null;
    for (const entry of counts) if (!chosen || entry[1].n > chosen[1].n) chosen = entry;
    return { value: chosen![0], member: chosen![1].first };
  };

  const golden: GoldenRecord = { customer_id: customerId };
  for (const name of columns) golden[name] = pick(name)?.value ?? null;

  const companies = new Map<ClusterMember, CompanyInName>();
  for (const m of members) {
    const written =
      m.fields.full_name ??
      NAME_PARTS.map((p) => m.fields[p])
        .filter(Boolean)
        .join(' ');
    const found = written ? companyInName(written) : null;
    if (found) companies.set(m, found);
  }
  const companyIn = (m: ClusterMember) => companies.get(m);
  const people = companies.size ? members.filter((m) => !companyIn(m) || companyIn(m)!.person) : members;
  if (golden.company === null && columns.includes('company'))
    golden.company = pick('company', members, (m) => companyIn(m)?.company)?.value ?? null;
  Object.assign(golden, personName(people, pick));

  // Staging makes formulas inert (canonical/values.ts); rows staged before it did are made so here.
  for (const name of columns) {
    const value = golden[name];
    if (typeof value === 'string') golden[name] = csvSafe(value);
  }
  golden.first_seen = members.reduce((a, m) => (m.firstSeen < a ? m.firstSeen : a), members[0]!.firstSeen);
  golden.last_seen = members.reduce((a, m) => (m.updatedAt > a ? m.updatedAt : a), members[0]!.updatedAt);
  golden.record_count = members.length;
  return golden;
}

type Pick = (
  column: string,
  among?: readonly ClusterMember[],
  valueOf?: (m: ClusterMember) => string | null | undefined,
) => { value: string; member: ClusterMember } | null;

/** The name parts and full name, all in one script (see survive). */
function personName(
  people: readonly ClusterMember[],
  pick: Pick,
): Record<NamePart | 'full_name', string | null> {
  const none = { last_name: null, first_name: null, middle_name: null, full_name: null };
  // A sole trader staged before staging recognised one: the person after the "ИП".
  const fieldsOf = (m: ClusterMember): Record<string, string | null> => {
    const person = m.fields.full_name ? companyInName(m.fields.full_name)?.person : null;
    return person && !m.fields.last_name && !m.fields.first_name
      ? { ...m.fields, full_name: person }
      : m.fields;
  };
  const lead =
    pick('last_name', people)?.member ??
    pick('full_name', people, (m) => fieldsOf(m).full_name)?.member ??
    pick('first_name', people)?.member;
  if (!lead) return none;
  const leadFields = fieldsOf(lead);
  const script: Script = scriptOf(
    leadFields.last_name ?? leadFields.full_name ?? leadFields.first_name ?? leadFields.middle_name ?? '',
  );
  const inScript = (v: string | null | undefined) => (v && scriptOf(v) === script ? v : null);
  // Others may fill a part the lead lacks only if they write the same surname (or none).
  const kin = people.filter(
    (m) =>
      m === lead ||
      !m.fields.last_name ||
      !leadFields.last_name ||
      m.fields.last_name === leadFields.last_name,
  );
  const parts = {} as Record<NamePart, string | null>;
  let filled = false;
  for (const part of NAME_PARTS) {
    const own = inScript(leadFields[part]);
    if (own) parts[part] = own;
    else {
      parts[part] = pick(part, kin, (m) => inScript(m.fields[part]))?.value ?? null;
      if (parts[part] !== null || leadFields[part]) filled = true;
    }
  }
  const full = inScript(leadFields.full_name);
  // The lead's own full name when every part is its own and it is written in that script.
  const usable = !filled && full !== null && (scriptOf(full) === script || script === 'other');
  return { ...parts, full_name: usable ? full : (composeName(script, parts) ?? full) };
}
