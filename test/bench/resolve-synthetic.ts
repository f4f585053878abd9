/**
 * Synthetic CRM contacts with known truth, for the identity-resolution benchmark.
 *
 * Each true person (resolve-synthetic-entities.ts) is written 1–6 times the way different
 * systems would: Cyrillic or one of three Latin spellings, typos, ё/е, initials, swapped
 * first/last, the whole name in full_name, ALL CAPS, missing fields, Gmail dots and +tags,
 * phones in national format or the office switchboard, moved addresses, date typos.
 * Seeded: the same (n, seed) always gives the same records.
 *
 * Run the 1M benchmark (from the project root):
 *   npx tsc -p tsconfig.bench.json --outDir /tmp/idbuild && node --max-old-space-size=3500 /tmp/idbuild/test/bench/resolve-synthetic.js [n]
 */
import { mulberry32 } from '../../transforms/identity/shared/random.js';
import { runSyntheticBenchmark } from './resolve-synthetic-bench.js';
import type { ResolveInput } from '../../transforms/identity/index.js';
import {
  clusterSize,
  makeCompanies,
  makePerson,
  postcodeIn,
  type Person,
} from './resolve-synthetic-entities.js';
import { CITIES, LEGAL_FORMS } from './resolve-synthetic-names.js';
import { caseNoise, digitTypo, transliterate, typo } from './resolve-synthetic-text.js';

export interface SyntheticData {
  records: ResolveInput[];
  /** record id -> true person id */
  truth: Map<number, number>;
}

export function generateSyntheticContacts(n: number, seed: number): SyntheticData {
  const rand = mulberry32(seed);
  const companies = makeCompanies(rand, Math.max(10, Math.floor(n / 200)));
  const records: ResolveInput[] = [];
  const owner: number[] = [];
  let person = 0;
  let previous: Person | null = null;
  while (records.length < n) {
    const p = makePerson(rand, companies, person);
    // A family mailbox: 1% of people also use the address of the person generated before them.
    if (previous !== null && rand() < 0.01) p.emails.push(previous.emails[0]!);
    previous = p;
    const size = Math.min(clusterSize(rand), n - records.length);
    for (let k = 0; k < size; k++) {
      records.push(render(p, k, rand));
      owner.push(person);
    }
    person++;
  }
  // Shuffle so input order says nothing about identity; ids follow the shuffled order.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
    [owner[i], owner[j]] = [owner[j]!, owner[i]!];
  }
  const truth = new Map<number, number>();
  records.forEach((r, i) => {
    r.id = i + 1;
    r.sourceKey = `c${i + 1}`;
    truth.set(i + 1, owner[i]!);
  });
  return { records: asReadFromWarehouse(records), truth };
}

const COLUMNS = [
  'id',
  'source',
  'sourceKey',
  'first_name',
  'last_name',
  'middle_name',
  'full_name',
  'email',
  'phone',
  'company',
  'tax_id',
  'personal_id',
  'birth_date',
  'street',
  'house',
  'city',
  'postcode',
  'region',
] as const;

/**
 * Records as a database driver returns stg_contact rows: every column present (null when
 * empty, so all rows share one shape) and flat strings. Strings built by concatenation are V8
 * "cons strings", flattened the first time they are hashed — a cost real input does not have;
 * a JSON round trip per chunk gives flat ones.
 */
function asReadFromWarehouse(records: ResolveInput[]): ResolveInput[] {
  const out: ResolveInput[] = [];
  for (let k = 0; k < records.length; k += 10_000) {
    const rows = records
      .slice(k, k + 10_000)
      .map((r) => Object.fromEntries(COLUMNS.map((c) => [c, r[c] ?? null])));
    out.push(...(JSON.parse(JSON.stringify(rows)) as ResolveInput[]));
  }
  return out;
}

const SOURCES = ['crm', 'erp', 'webform', 'mailbox', 'sheet'];

/** The k-th record of person p: the first is the cleanest, later ones drift. */
function render(p: Person, k: number, rand: () => number): ResolveInput {
  const noisy = k > 0;
  const chance = (x: number): boolean => rand() < (noisy ? x : x / 3);
  const r: ResolveInput = { id: 0, source: SOURCES[Math.floor(rand() * SOURCES.length)]!, sourceKey: '' };

  let first = p.first;
  let last = p.last;
  let middle = p.middle;
  if (p.russian && chance(0.25)) {
    const scheme = Math.floor(rand() * 3);
    first = transliterate(first, scheme);
    last = transliterate(last, scheme);
    middle = middle && transliterate(middle, scheme);
  } else if (chance(0.4)) {
    first = first.replace(/ё/g, 'е');
    last = last.replace(/ё/g, 'е');
  }
  if (chance(0.08)) last = typo(last, rand);
  if (chance(0.06)) first = typo(first, rand);
  if (chance(0.04)) first = `${first[0]}.`;
  first = caseNoise(first, rand);
  last = caseNoise(last, rand);
  const withMiddle = middle !== null && rand() < 0.5;
  if (chance(0.2)) {
    r.full_name = p.russian
      ? [last, first, withMiddle ? middle : null].filter(Boolean).join(' ')
      : `${first} ${last}`;
  } else if (chance(0.03)) {
    r.first_name = last;
    r.last_name = first;
  } else {
    r.first_name = first;
    r.last_name = last;
    if (withMiddle) r.middle_name = middle;
  }

  if (!chance(0.2)) r.birth_date = dobVariant(p.dob, rand, noisy);
  if (!chance(0.35)) r.email = emailVariant(p.emails[chance(0.3) ? p.emails.length - 1 : 0]!, rand);
  if (p.company !== null && chance(0.35)) r.phone = p.company.switchboard;
  else if (!chance(0.35)) r.phone = phoneVariant(p.phone, rand);
  if (!chance(0.4)) {
    const moved = chance(0.08);
    const city = moved ? Math.floor(rand() * CITIES.length) : p.city;
    r.city = chance(0.04) ? typo(CITIES[city]![0], rand) : CITIES[city]![0];
    r.street = chance(0.05) ? typo(p.street, rand) : p.street;
    r.house = moved ? String(1 + Math.floor(rand() * 150)) : p.house;
    r.postcode = moved ? postcodeIn(city, rand) : p.postcode;
  }
  if (p.passport !== null && rand() < 0.5)
    r.personal_id = chance(0.03) ? digitTypo(p.passport, rand) : p.passport;
  if (p.inn !== null && rand() < 0.5) r.tax_id = p.inn;
  if (p.company !== null && rand() < 0.6) {
    const form = LEGAL_FORMS[Math.floor(rand() * LEGAL_FORMS.length)]!;
    r.company = form === 'LLC' ? `${transliterate(p.company.name, 0)} LLC` : `${form} «${p.company.name}»`;
    if (rand() < 0.3) r.tax_id = p.company.inn; // the employer's INN on a person's card
  }
  return r;
}

function dobVariant(dob: string, rand: () => number, noisy: boolean): string {
  if (!noisy) return dob;
  const r = rand();
  if (r < 0.04) {
    const digits = digitTypo(dob.replace(/-/g, ''), rand);
    const month = Number(digits.slice(4, 6));
    const day = Number(digits.slice(6, 8));
    // Keep only typos that still make a calendar date: the importer drops the others.
    if (month < 1 || month > 12 || day < 1 || day > 28) return dob;
    return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  }
  if (r < 0.06 && Number(dob.slice(8)) <= 12) return `${dob.slice(0, 4)}-${dob.slice(8)}-${dob.slice(5, 7)}`;
  return dob;
}

function emailVariant(email: string, rand: () => number): string {
  const [local, domain] = email.split('@') as [string, string];
  const r = rand();
  if (r < 0.08) return email.toUpperCase();
  if (r < 0.12) return `${local}+shop@${domain}`;
  if (r < 0.16 && domain === 'gmail.com' && local.length > 3)
    return `${local.slice(0, 2)}.${local.slice(2)}@${domain}`;
  if (r < 0.18) return `${typo(local, rand)}@${domain}`;
  return email;
}

function phoneVariant(e164: string, rand: () => number): string {
  const d = e164.slice(2); // 10 national digits
  const r = rand();
  // stg_contact holds phones already in E.164; a few slipped through unparsed.
  if (r < 0.95) return e164;
  if (r < 0.98) return `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
  return `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`;
}

export { runSyntheticBenchmark };

// Entry point when run directly: node resolve-synthetic.js [n] [seed]
if (process.argv[1]?.endsWith('resolve-synthetic.js')) {
  runSyntheticBenchmark(Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 7));
}
