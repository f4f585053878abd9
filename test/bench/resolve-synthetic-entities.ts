/**
 * The true people behind the synthetic contacts: names drawn with a skewed (Zipf-like)
 * distribution so that "Иванов Иван" is common and blocks get realistically uneven, plus their
 * contact data and employers. Companies have a switchboard phone that employees often leave
 * instead of their own — the shared-value trap the guards must catch.
 */
import {
  CITIES,
  COMPANY_WORDS,
  DOMAINS,
  EN_FIRST,
  EN_LAST_ENDS,
  EN_LAST_PARTS,
  RU_ENDINGS_M,
  RU_FEMALE,
  RU_MALE,
  RU_STEMS,
  STREETS,
} from './resolve-synthetic-names.js';
import { feminine, makeInn, patronymic, transliterate } from './resolve-synthetic-text.js';

export interface Company {
  name: string;
  inn: string;
  switchboard: string;
}

export interface Person {
  russian: boolean;
  first: string;
  middle: string | null;
  last: string;
  dob: string;
  emails: string[];
  phone: string;
  city: number;
  street: string;
  house: string;
  postcode: string;
  passport: string | null;
  inn: string | null;
  company: Company | null;
}

/** Index in [0, n) with P(k) ∝ 1/(k+1)^s: a few very common values, a long tail. */
export function zipf(rand: () => number, n: number, s = 1): number {
  // Inverse CDF of a continuous power law, good enough for word frequencies.
  if (s === 1) return Math.min(n - 1, Math.floor(Math.exp(rand() * Math.log(n + 1)) - 1));
  const a = 1 - s;
  const x = (rand() * ((n + 1) ** a - 1) + 1) ** (1 / a) - 1;
  return Math.min(n - 1, Math.max(0, Math.floor(x)));
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const digits = (rand: () => number, k: number): string => {
  let s = '';
  for (let i = 0; i < k; i++) s += String(Math.floor(rand() * 10));
  return s;
};

/** Surnames: every stem with every ending, ordered so Zipf favours short classic forms. */
const RU_SURNAMES = RU_ENDINGS_M.flatMap((end) => RU_STEMS.map((stem) => stem + end));
const EN_SURNAMES = EN_LAST_ENDS.flatMap((end) => EN_LAST_PARTS.map((part) => part + end));

/** Six digits, a few hundred per city (real Russian postcodes are per post office). */
export function postcodeIn(city: number, rand: () => number): string {
  return `${CITIES[city]![1]}${String(Math.floor(rand() * 400) * 7).padStart(4, '0')}`;
}

export function makeCompanies(rand: () => number, count: number): Company[] {
  return Array.from({ length: count }, (_, k) => ({
    name: `${pick(rand, COMPANY_WORDS)}${k % 7 === 0 ? '' : `-${pick(rand, COMPANY_WORDS)}`}`,
    inn: makeInn(rand, 10),
    switchboard: `+7495${digits(rand, 7)}`,
  }));
}

/** A person; `serial` makes the mailbox unique (two people never own one address by accident). */
export function makePerson(rand: () => number, companies: readonly Company[], serial: number): Person {
  const russian = rand() < 0.75;
  const female = rand() < 0.5;
  let first: string;
  let last: string;
  let middle: string | null = null;
  if (russian) {
    const given = female ? RU_FEMALE : RU_MALE;
    first = given[zipf(rand, given.length, 0.6)]!;
    const m = RU_SURNAMES[zipf(rand, RU_SURNAMES.length, 0.8)]!;
    last = female ? feminine(m) : m;
    middle = patronymic(RU_MALE[zipf(rand, RU_MALE.length, 0.6)]!, female);
  } else {
    first = EN_FIRST[zipf(rand, EN_FIRST.length, 0.6)]!;
    last = EN_SURNAMES[zipf(rand, EN_SURNAMES.length, 0.8)]!;
  }
  const year = 1940 + Math.floor(rand() * 66);
  const month = 1 + Math.floor(rand() * 12);
  const day = 1 + Math.floor(rand() * 28);
  const dob = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const login = (russian ? transliterate(`${first[0]}${last}`, 0) : `${first[0]}${last}`).toLowerCase();
  const emails = [`${login}${serial.toString(36)}@${pick(rand, DOMAINS)}`];
  if (rand() < 0.3)
    emails.push(
      `${transliterate(first, 0).toLowerCase()}.${(serial * 7).toString(36)}@${pick(rand, DOMAINS)}`,
    );
  const city = zipf(rand, CITIES.length, 0.7);
  const employed = rand() < 0.3;
  return {
    russian,
    first,
    middle,
    last,
    dob,
    emails,
    phone: `+79${digits(rand, 9)}`,
    city,
    street: pick(rand, STREETS),
    house: String(1 + Math.floor(rand() * 150)),
    postcode: postcodeIn(city, rand),
    passport: rand() < 0.3 ? digits(rand, 10) : null,
    inn: rand() < 0.1 ? makeInn(rand, 12) : null,
    company: employed ? companies[zipf(rand, companies.length, 0.5)]! : null,
  };
}

/** How many source records a person has: half once, a long tail up to 6. */
export function clusterSize(rand: () => number): number {
  const r = rand();
  if (r < 0.5) return 1;
  if (r < 0.75) return 2;
  if (r < 0.88) return 3;
  if (r < 0.95) return 4;
  if (r < 0.98) return 5;
  return 6;
}
