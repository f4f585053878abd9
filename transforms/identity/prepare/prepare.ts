import {
  companyMatchKey,
  emailMatchKey,
  foldForMatch,
  isRoleAddress,
  nameToLatin,
  normalizeInn,
  normalizePhone,
  phoneticKey,
  toLatin,
} from '../../normalize/index.js';
import {
  F_CITY,
  F_COMPANY,
  F_DOB,
  F_EMAIL,
  F_FIRST,
  F_HOUSE,
  F_LAST,
  F_MIDDLE,
  F_PHONE,
  F_PID,
  F_POSTCODE,
  F_REGION,
  F_STREET,
  F_TAX,
  FIELD_COUNT,
  PHON_FIRST,
  PHON_LAST,
  ROW,
} from '../shared/fields.js';
import { hashString } from '../shared/hash.js';
import { LevelCache } from './level-cache.js';
import { MATCH_KEYS_VERSION } from './match-keys.js';
import { nameParts } from './name-parts.js';
import { cityKey } from './places.js';
import { nameFamily } from './nicknames.js';
import { buildHashedColumn, ColumnBuilder, emptyColumn } from './string-column.js';
import type { MatchKeys } from '../types/match-keys.js';
import type { Prepared, StringColumn } from '../types/prepared.js';
import type { ResolveInput } from '../types/public.js';

// Pre-normalized E.164 (the canonical column of stg_contact) skips the phone parser.
const E164 = /^\+[1-9]\d{6,14}$/;

const nonEmpty = (s: string): string | null => (s === '' ? null : s);

/** The near-unique fields: normalized per record, interned by hash. */
const HASHED = [F_EMAIL, F_PHONE, F_TAX, F_PID] as const;

export function prepare(records: readonly ResolveInput[], defaultRegion = 'RU'): Prepared {
  const n = records.length;
  const latin = (s: string): string | null => nonEmpty(toLatin(s));
  // Names are read from any transliteration system (Wladimir, Ščukin) into one spelling.
  const nameLatin = (s: string): string | null => nonEmpty(nameToLatin(s));
  const compact = (s: string): string | null => nonEmpty(foldForMatch(s).replace(/ /g, ''));
  const builders: Array<ColumnBuilder | null> = Array.from({ length: FIELD_COUNT }, () => null);
  for (const f of [F_FIRST, F_LAST, F_MIDDLE]) builders[f] = new ColumnBuilder(n, nameLatin);
  for (const f of [F_STREET, F_REGION]) builders[f] = new ColumnBuilder(n, latin);
  builders[F_CITY] = new ColumnBuilder(n, cityKey);
  builders[F_HOUSE] = new ColumnBuilder(n, compact);
  builders[F_POSTCODE] = new ColumnBuilder(n, compact);
  builders[F_COMPANY] = new ColumnBuilder(n, (s) => nonEmpty(companyMatchKey(s)));
  const hashed = HASHED.map(() => new Array<string | null>(n).fill(null));
  const hashes = HASHED.map(() => new Uint32Array(n));
  const setHashed = (k: number, i: number, v: string | null): void => {
    if (v === null || v === '') return;
    hashed[k]![i] = v;
    hashes[k]![i] = hashString(v);
  };
  const phoneCache = new Map<string, string | null>();
  const dob = new Int32Array(n);
  const ids = new Float64Array(n);

  const knownPhonetic = new Map<string, string>();
  const add = (f: number, i: number, v: string | null): void => {
    if (v) builders[f]!.addValue(i, v);
  };
  const fromKeys = (k: MatchKeys, i: number): void => {
    add(F_FIRST, i, k.first_name);
    add(F_LAST, i, k.last_name);
    add(F_MIDDLE, i, k.middle_name);
    if (k.first_name && k.first_phonetic) knownPhonetic.set(k.first_name, k.first_phonetic);
    if (k.last_name && k.last_phonetic) knownPhonetic.set(k.last_name, k.last_phonetic);
    setHashed(0, i, k.email);
    setHashed(1, i, k.phone);
    setHashed(2, i, k.tax_id);
    setHashed(3, i, k.personal_id);
    add(F_COMPANY, i, k.company);
    add(F_STREET, i, k.street);
    add(F_HOUSE, i, k.house);
    add(F_CITY, i, k.city);
    add(F_POSTCODE, i, k.postcode);
    add(F_REGION, i, k.region);
  };
  const fromRaw = (r: ResolveInput, i: number): void => {
    const { first, last, middle } = nameParts(r);
    if (first) builders[F_FIRST]!.add(i, first);
    if (last) builders[F_LAST]!.add(i, last);
    if (middle) builders[F_MIDDLE]!.add(i, middle);
    if (r.email) setHashed(0, i, emailKey(r.email));
    if (r.phone)
      setHashed(1, i, E164.test(r.phone) ? r.phone : parsePhone(phoneCache, r.phone, defaultRegion));
    if (r.tax_id) {
      const inn = normalizeInn(r.tax_id);
      if (inn.ok) setHashed(2, i, inn.value);
    }
    if (r.personal_id) setHashed(3, i, compact(r.personal_id));
    if (r.company) builders[F_COMPANY]!.add(i, r.company);
    if (r.street) builders[F_STREET]!.add(i, r.street);
    if (r.house) builders[F_HOUSE]!.add(i, r.house);
    if (r.city) builders[F_CITY]!.add(i, r.city);
    if (r.postcode) builders[F_POSTCODE]!.add(i, r.postcode);
    if (r.region) builders[F_REGION]!.add(i, r.region);
  };

  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    ids[i] = r.id;
    if (r.birth_date) dob[i] = parseIsoDate(r.birth_date);
    const stored = r.match_keys;
    // Stored keys of the current version replace normalizing the raw fields (match-keys.ts).
    if (stored && stored.version === MATCH_KEYS_VERSION) fromKeys(stored, i);
    else fromRaw(r, i);
  }

  const cols = builders.map((b) => (b === null ? emptyColumn(n) : b.finish()));
  HASHED.forEach((f, k) => (cols[f] = buildHashedColumn(hashed[k]!, hashes[k]!)));
  const { phonetic, phonFirst, phonLast } = phoneticCodes(cols[F_FIRST]!, cols[F_LAST]!, knownPhonetic);
  const email = cols[F_EMAIL]!;
  // Only shared addresses can link anything, so only they are checked for being role addresses.
  const roleEmail = new Uint8Array(email.values.length);
  for (let c = 0; c < roleEmail.length; c++) {
    if (email.counts[c]! > 1 && isRoleAddress(email.values[c]!)) roleEmail[c] = 1;
  }
  const cacheFor = (f: number): LevelCache => new LevelCache(cols[f]!.values.length);
  const cache = {
    first: cacheFor(F_FIRST),
    last: cacheFor(F_LAST),
    middle: cacheFor(F_MIDDLE),
    street: cacheFor(F_STREET),
    city: cacheFor(F_CITY),
    company: cacheFor(F_COMPANY),
  };
  const sharedValues: Array<Uint8Array | undefined> = [];
  sharedValues[F_EMAIL] = roleEmail;
  const rows = new Int32Array(n * ROW);
  for (let i = 0; i < n; i++) {
    const o = i * ROW;
    for (let f = 0; f < FIELD_COUNT; f++) rows[o + f] = f === F_DOB ? dob[i]! : cols[f]!.codes[i]!;
    rows[o + PHON_FIRST] = phonFirst[i]!;
    rows[o + PHON_LAST] = phonLast[i]!;
  }
  // Name families (nicknames.ts) per value code of both name columns: swapped names meet too.
  const familyOf = (col: StringColumn): Int32Array => Int32Array.from(col.values, (v) => nameFamily(v));
  const familyFirst = familyOf(cols[F_FIRST]!);
  const familyLast = familyOf(cols[F_LAST]!);
  return {
    n,
    ids,
    cols,
    dob,
    rows,
    phonFirst,
    phonLast,
    phonetic,
    familyFirst,
    familyLast,
    roleEmail,
    sharedValues,
    cache,
  };
}

/**
 * Phonetic keys of given names and surnames in one table (so swapped names meet), computed once
 * per distinct Latin name — phoneticKey is idempotent over the Latin form — unless stored match
 * keys already gave it. `phonetic.counts` therefore counts distinct names, not records.
 */
function phoneticCodes(
  first: StringColumn,
  last: StringColumn,
  known: ReadonlyMap<string, string>,
): { phonetic: StringColumn; phonFirst: Int32Array; phonLast: Int32Array } {
  const nf = first.values.length;
  const builder = new ColumnBuilder(nf + last.values.length, (s) => known.get(s) ?? nonEmpty(phoneticKey(s)));
  first.values.forEach((v, c) => builder.add(c, v));
  last.values.forEach((v, c) => builder.add(nf + c, v));
  const phonetic = builder.finish();
  const byRecord = (col: StringColumn, offset: number): Int32Array =>
    col.codes.map((c) => (c < 0 ? -1 : phonetic.codes[offset + c]!));
  return { phonetic, phonFirst: byRecord(first, 0), phonLast: byRecord(last, nf) };
}

function parsePhone(cache: Map<string, string | null>, raw: string, region: string): string | null {
  let e164 = cache.get(raw);
  if (e164 === undefined) {
    const p = normalizePhone(raw, region);
    e164 = p.ok ? p.value.e164 : null;
    cache.set(raw, e164);
  }
  return e164;
}

/** Years before this are placeholders ("1900-01-01", "1800-01-01"), not birth dates. */
const FIRST_REAL_YEAR = 1901;

/**
 * "YYYY-MM-DD" or "YYYYMMDD" to yyyymmdd; 0 when not a plausible date. Partial dates keep what
 * they know, with zeros for the rest (compare.ts reads them as partial, blocking on the full
 * date skips them):
 * - day 00 ("1985-03-00", as some CRMs and spreadsheets write a known month): yyyymm00;
 * - month 00, or the placeholder YYYY-01-01 that systems write when only the year is known:
 *   yyyy0000 — two people born "1980-01-01" share a year, not a birthday;
 * - years before 1901 (1900-01-01 is the usual "no date" default): 0, missing.
 */
export function parseIsoDate(s: string): number {
  const digits = s.length === 10 ? s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10) : s;
  if (!/^\d{8}$/.test(digits)) return 0;
  const d = Number(digits);
  const year = (d / 10000) | 0;
  const month = ((d / 100) | 0) % 100;
  const day = d % 100;
  if (year < FIRST_REAL_YEAR || month > 12 || day > 31) return 0;
  if (month === 0 || (month === 1 && day === 1)) return year * 10000;
  return d;
}

/** Whether a yyyymmdd from parseIsoDate is a whole date (not year-only or month-only). */
export function isFullDate(d: number): boolean {
  return d % 100 !== 0;
}

/** Email match key; text without an "@" ("нет", "-") is no address and no identifier. */
function emailKey(raw: string): string | null {
  const key = emailMatchKey(raw);
  return key.includes('@') ? key : null;
}
