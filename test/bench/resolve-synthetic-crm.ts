/**
 * CRM-like person records with known truth — the kind of data companies really have, unlike
 * Febrl: a spreadsheet row with a name, a city and a phone; an ERP customer with a name and an
 * e-mail; a date of birth on a few rows only, and then often a placeholder.
 *
 * Each true person is written 1–5 times with the errors seen in such data: typos, Cyrillic and
 * Latin spellings in up to six systems, short and familiar given names (Саша for Александр, Bill for William),
 * full name in one column in either order, swapped columns, day and month swapped, placeholder
 * dates (the year with 01-01, or 1900-01-01), dates with day 00 (month and year known), missing
 * fields, a second phone or e-mail. Common names are common (given names as skewed as in Russia,
 * where one man in ten is Александр; the commonest surname 1–2% of people) and some people are
 * namesakes of another in the same city — the precision trap.
 *
 * Seeded: the same (n, seed, mix) always gives the same records. Several mixes (CRM_MIXES) so a
 * resolver is not tuned to one file: the bench tunes on some sets and reports the others too.
 */
import { mulberry32 } from '../../transforms/identity/shared/random.js';
import type { ResolveInput } from '../../transforms/identity/index.js';
import { zipf } from './resolve-synthetic-entities.js';
import { EN_LAST_ENDS, EN_LAST_PARTS, RU_ENDINGS_M, RU_STEMS } from './resolve-synthetic-names.js';
import {
  CRM_CITIES,
  EN_FORMS,
  EN_SURNAMES,
  MAIL_DOMAINS,
  RU_FEMALE_FORMS,
  RU_MALE_FORMS,
  RU_SURNAMES_M,
} from './resolve-synthetic-crm-names.js';
import {
  caseNoise,
  digitTypo,
  feminine,
  patronymic,
  TRANSLIT_SYSTEMS,
  transliterate,
  type TranslitSystem,
  typo,
} from './resolve-synthetic-text.js';
import type { SyntheticData } from './resolve-synthetic.js';

/** How one data set is made: shares of records (or people) with each property. */
export interface CrmMix {
  name: string;
  /** Records that carry any birth date. */
  dob: number;
  /** Per name part / field: a typo. */
  typo: number;
  /** Russian records written in Latin letters. */
  translit: number;
  /** Records with a familiar form of the given name. */
  nickname: number;
  /** Dates written as a placeholder (YYYY-01-01 of the true year, or 1900-01-01). */
  placeholder: number;
  /** People who are namesakes of an earlier person (same given name and surname, often same city). */
  namesakes: number;
  email: number;
  phone: number;
  city: number;
  postcode: number;
  /**
   * Optional kinds of mess (absent = none, and the set draws exactly as before, so the older
   * sets keep their records): records with the given name and surname columns swapped, records
   * with no surname at all, e-mails at the employer's domain (colleagues share the domain, and a
   * few share one office address), phones written in more ways (10 digits without a prefix,
   * 007…, with an extension), and the share of records that carry the patronymic.
   */
  extra?: {
    swapColumns: number;
    noSurname: number;
    businessEmail: number;
    phoneFormats: number;
    patronymic: number;
  };
  /**
   * Optional: which transliteration systems the Latin-letter records (`translit`) use, as
   * weights (absent = BGN, ICAO and German a third each, drawn as the older sets always drew).
   * `asciiOnly`: the share of ISO 9 / scholarly records typed without their diacritics
   * (Scukin for Ščukin), as a keyboard without them writes them.
   */
  systems?: { weights: Partial<Record<TranslitSystem, number>>; asciiOnly: number };
}

/**
 * The sets of the accuracy bench. `tune` sets are the ones the resolver was tuned on. The next
 * three were printed beside them while tuning (seen, not tuned on); the last three were added
 * after tuning ended and measured once.
 */
export const CRM_MIXES: ReadonlyArray<{ mix: CrmMix; seed: number; tune: boolean }> = [
  {
    seed: 11,
    tune: true,
    mix: {
      name: 'crm-base',
      dob: 0.25,
      typo: 0.08,
      translit: 0.25,
      nickname: 0.2,
      placeholder: 0.2,
      namesakes: 0.05,
      email: 0.5,
      phone: 0.6,
      city: 0.75,
      postcode: 0.15,
    },
  },
  {
    seed: 12,
    tune: true,
    mix: {
      name: 'crm-noisy',
      dob: 0.3,
      typo: 0.15,
      translit: 0.35,
      nickname: 0.3,
      placeholder: 0.3,
      namesakes: 0.08,
      email: 0.45,
      phone: 0.55,
      city: 0.7,
      postcode: 0.2,
    },
  },
  {
    seed: 21,
    tune: false,
    mix: {
      name: 'crm-sparse',
      dob: 0.1,
      typo: 0.1,
      translit: 0.2,
      nickname: 0.25,
      placeholder: 0.25,
      namesakes: 0.06,
      email: 0.35,
      phone: 0.5,
      city: 0.8,
      postcode: 0.05,
    },
  },
  {
    seed: 22,
    tune: false,
    mix: {
      name: 'crm-namesakes',
      dob: 0.35,
      typo: 0.1,
      translit: 0.3,
      nickname: 0.2,
      placeholder: 0.35,
      namesakes: 0.15,
      email: 0.5,
      phone: 0.6,
      city: 0.85,
      postcode: 0.25,
    },
  },
  {
    seed: 23,
    tune: false,
    mix: {
      name: 'crm-latin',
      dob: 0.2,
      typo: 0.12,
      translit: 0.6,
      nickname: 0.35,
      placeholder: 0.2,
      namesakes: 0.05,
      email: 0.55,
      phone: 0.45,
      city: 0.7,
      postcode: 0.1,
    },
  },
  // Added after tuning ended, never looked at before the final measurement.
  {
    seed: 31,
    tune: false,
    mix: {
      name: 'crm-mixed',
      dob: 0.2,
      typo: 0.1,
      translit: 0.3,
      nickname: 0.25,
      placeholder: 0.25,
      namesakes: 0.07,
      email: 0.45,
      phone: 0.55,
      city: 0.75,
      postcode: 0.12,
    },
  },
  {
    seed: 32,
    tune: false,
    mix: {
      name: 'crm-phones',
      dob: 0.15,
      typo: 0.12,
      translit: 0.25,
      nickname: 0.3,
      placeholder: 0.3,
      namesakes: 0.05,
      email: 0.25,
      phone: 0.75,
      city: 0.65,
      postcode: 0.1,
    },
  },
  {
    seed: 33,
    tune: false,
    mix: {
      name: 'crm-dates',
      dob: 0.45,
      typo: 0.12,
      translit: 0.3,
      nickname: 0.2,
      placeholder: 0.4,
      namesakes: 0.1,
      email: 0.4,
      phone: 0.5,
      city: 0.7,
      postcode: 0.3,
    },
  },
  // Added by the session that worked on recall after the ones above (never tuned on): another
  // kind of mess — swapped name columns, rows without a surname, work e-mails at a company
  // domain (some shared), phones in odd formats, patronymics on most Russian rows.
  {
    seed: 41,
    tune: false,
    mix: {
      name: 'crm-business',
      dob: 0.15,
      typo: 0.1,
      translit: 0.3,
      nickname: 0.25,
      placeholder: 0.3,
      namesakes: 0.08,
      email: 0.55,
      phone: 0.6,
      city: 0.6,
      postcode: 0.05,
      extra: { swapColumns: 0.15, noSurname: 0.08, businessEmail: 0.4, phoneFormats: 0.4, patronymic: 0.6 },
    },
  },
  // Added with the transliteration systems (never tuned on): Latin-letter records in all six
  // systems a Russian company's data mixes — BGN, passport (ICAO), German, French, ISO 9 and the
  // scholarly one, a quarter of the last two typed without diacritics.
  {
    seed: 51,
    tune: false,
    mix: {
      name: 'crm-systems',
      dob: 0.2,
      typo: 0.1,
      translit: 0.45,
      nickname: 0.25,
      placeholder: 0.25,
      namesakes: 0.06,
      email: 0.45,
      phone: 0.55,
      city: 0.75,
      postcode: 0.1,
      systems: {
        weights: { bgn: 0.25, icao: 0.2, german: 0.2, french: 0.1, iso9: 0.1, scholarly: 0.15 },
        asciiOnly: 0.25,
      },
    },
  },
];

interface CrmPerson {
  russian: boolean;
  female: boolean;
  /** Full form first, familiar forms after. */
  forms: readonly string[];
  last: string;
  middle: string | null;
  year: number;
  month: number;
  day: number;
  city: number;
  phones: string[];
  emails: string[];
  postcode: string;
  /** Employer index (business e-mails): colleagues share the domain. */
  employer: number;
}

/** Company domains for work e-mails; a Zipf draw, so a few employers have many people. */
const COMPANY_DOMAINS = Array.from({ length: 400 }, (_, k) => `firm${k.toString(36)}.ru`);

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const pad = (x: number): string => String(x).padStart(2, '0');
const digits = (rand: () => number, k: number): string => {
  let s = '';
  for (let i = 0; i < k; i++) s += String(Math.floor(rand() * 10));
  return s;
};

function makePerson(
  rand: () => number,
  serial: number,
  earlier: readonly CrmPerson[],
  mix: CrmMix,
): CrmPerson {
  const russian = rand() < 0.7;
  const female = rand() < 0.5;
  const given = russian ? (female ? RU_FEMALE_FORMS : RU_MALE_FORMS) : EN_FORMS;
  let forms = given[zipf(rand, given.length, 0.6)]!;
  const base = surname(rand, russian);
  let last = russian && female ? feminine(base) : base;
  let city = zipf(rand, CRM_CITIES.length, 1);
  let year = 1950 + Math.floor(rand() * 55);
  // A namesake: another person with the same name, usually in the same city, sometimes the same year.
  const twin = earlier.length > 0 && rand() < mix.namesakes ? pick(rand, earlier) : null;
  let isRussian = russian;
  let isFemale = female;
  if (twin) {
    forms = twin.forms;
    last = twin.last;
    isRussian = twin.russian;
    isFemale = twin.female;
    if (rand() < 0.8) city = twin.city;
    if (rand() < 0.3) year = twin.year;
  }
  const fatherName = pick(rand, RU_MALE_FORMS)[0]!;
  const middle = isRussian ? patronymic(fatherName.replace('ё', 'е'), isFemale) : null;
  const latinFirst = isRussian ? transliterate(forms[0]!, 0) : forms[0]!;
  const latinLast = isRussian ? transliterate(last, 0) : last;
  const login = rand() < 0.5 ? `${latinFirst}.${latinLast}` : `${latinFirst[0]}${latinLast}`;
  const emails = [`${login.toLowerCase()}${(serial % 97).toString()}@${pick(rand, MAIL_DOMAINS)}`];
  if (rand() < 0.25)
    emails.push(`${latinLast.toLowerCase()}${serial.toString(36)}@${pick(rand, MAIL_DOMAINS)}`);
  const phones = [`+79${digits(rand, 9)}`];
  if (rand() < 0.25) phones.push(`+79${digits(rand, 9)}`);
  // Drawn only for sets with business e-mails: the older sets keep their random sequence.
  const employer = mix.extra ? zipf(rand, COMPANY_DOMAINS.length, 0.8) : 0;
  if (mix.extra && rand() < mix.extra.businessEmail) {
    const domain = COMPANY_DOMAINS[employer]!;
    // Work logins: i.petrov@, petrov@, ivan@ (the short ones collide across colleagues).
    const style = rand();
    const local = style < 0.5 ? `${latinFirst[0]}.${latinLast}` : style < 0.85 ? latinLast : latinFirst;
    emails.unshift(`${local.toLowerCase()}@${domain}`);
    if (rand() < 0.1) emails.push(`office@${domain}`);
  }
  return {
    employer,
    russian: isRussian,
    female: isFemale,
    forms,
    last,
    middle,
    year,
    month: 1 + Math.floor(rand() * 12),
    day: 1 + Math.floor(rand() * 28),
    city,
    phones,
    emails,
    postcode: `${100 + city * 13}${String(Math.floor(rand() * 300)).padStart(3, '0')}`,
  };
}

/**
 * Surname frequencies as in a real population: the commonest surname about 1–2% of people,
 * the common list about a third, a long tail of rarer names for the rest.
 */
const RU_TAIL = RU_ENDINGS_M.flatMap((end) => RU_STEMS.map((stem) => stem + end));
const EN_TAIL = EN_LAST_ENDS.flatMap((end) => EN_LAST_PARTS.map((part) => part + end));

function surname(rand: () => number, russian: boolean): string {
  const common = russian ? RU_SURNAMES_M : EN_SURNAMES;
  const tail = russian ? RU_TAIL : EN_TAIL;
  return rand() < 0.35 ? common[zipf(rand, common.length, 0.7)]! : tail[zipf(rand, tail.length, 0.4)]!;
}

function clusterSize(rand: () => number): number {
  const r = rand();
  if (r < 0.45) return 1;
  if (r < 0.75) return 2;
  if (r < 0.9) return 3;
  if (r < 0.97) return 4;
  return 5;
}

const SOURCES = ['crm', 'sheet', 'erp', 'webform'];

function render(p: CrmPerson, rand: () => number, mix: CrmMix): ResolveInput {
  const r: ResolveInput = { id: 0, source: pick(rand, SOURCES), sourceKey: '' };
  let first = p.forms.length > 1 && rand() < mix.nickname ? pick(rand, p.forms.slice(1)) : p.forms[0]!;
  let last = p.last;
  let middle = p.middle;
  if (p.russian && rand() < mix.translit) {
    const scheme = mix.systems ? weightedScheme(rand(), mix.systems.weights) : Math.floor(rand() * 3);
    first = transliterate(first, scheme);
    last = transliterate(last, scheme);
    middle = middle && transliterate(middle, scheme);
    if (scheme >= 4 && rand() < mix.systems!.asciiOnly) {
      const ascii = (x: string): string => x.normalize('NFKD').replace(/[\p{M}ʹʺ]/gu, '');
      first = ascii(first);
      last = ascii(last);
      middle = middle && ascii(middle);
    }
  } else if (rand() < 0.5) {
    first = first.replace(/ё/g, 'е');
    last = last.replace(/ё/g, 'е');
  }
  if (rand() < mix.typo) last = typo(last, rand);
  if (rand() < mix.typo * 0.7) first = typo(first, rand);
  first = caseNoise(first, rand);
  last = caseNoise(last, rand);
  const withMiddle = middle !== null && rand() < (mix.extra?.patronymic ?? 0.3);
  if (mix.extra && rand() < mix.extra.noSurname) last = '';
  const layout = mix.extra && rand() < mix.extra.swapColumns ? 0.35 : rand();
  if (layout < 0.25) {
    r.full_name = p.russian
      ? [last, first, withMiddle ? middle : null].filter(Boolean).join(' ')
      : [first, last].filter(Boolean).join(' ');
  } else if (layout < 0.33) {
    r.full_name = [first, last].filter(Boolean).join(' ');
  } else if (layout < 0.37) {
    if (last) r.first_name = last;
    r.last_name = first;
  } else {
    r.first_name = first;
    if (last) r.last_name = last;
    if (withMiddle) r.middle_name = middle;
  }

  if (rand() < mix.city) {
    const moved = rand() < 0.05;
    const spellings = CRM_CITIES[moved ? Math.floor(rand() * CRM_CITIES.length) : p.city]!;
    const city = rand() < 0.75 ? spellings[0]! : pick(rand, spellings);
    r.city = rand() < mix.typo / 3 ? typo(city, rand) : city;
  }
  if (rand() < mix.phone) {
    const e164 = p.phones.length > 1 && rand() < 0.4 ? p.phones[1]! : p.phones[0]!;
    const d = e164.slice(2);
    const form = rand();
    let phone = e164;
    if (form < 0.2) phone = `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
    else if (form < 0.3) phone = `8${d}`;
    else if (form < 0.35) phone = `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`;
    if (mix.extra && rand() < mix.extra.phoneFormats) {
      const odd = rand();
      if (odd < 0.4) phone = `${d.slice(0, 3)} ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
      else if (odd < 0.6) phone = `007${d}`;
      else if (odd < 0.8)
        phone = `+7(${d.slice(0, 3)})${d.slice(3)} доб. ${String(Math.floor(rand() * 900) + 100)}`;
      else phone = `+7-${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
    }
    if (rand() < mix.typo / 3) phone = `+7${digitTypo(d, rand)}`;
    r.phone = phone;
  }
  if (rand() < mix.email) {
    const email = p.emails.length > 1 && rand() < 0.4 ? p.emails[1]! : p.emails[0]!;
    const [local, domain] = email.split('@') as [string, string];
    r.email =
      rand() < mix.typo / 2 ? `${typo(local, rand)}@${domain}` : rand() < 0.1 ? email.toUpperCase() : email;
  }
  if (rand() < mix.postcode) r.postcode = p.postcode;
  if (rand() < mix.dob) r.birth_date = dateVariant(p, rand, mix);
  return r;
}

/** The scheme number (TRANSLIT_SYSTEMS) a draw `x` in [0, 1) falls on, by the weights. */
function weightedScheme(x: number, weights: Partial<Record<TranslitSystem, number>>): number {
  const total = TRANSLIT_SYSTEMS.reduce((sum, s) => sum + (weights[s] ?? 0), 0);
  let at = x * total;
  for (let k = 0; k < TRANSLIT_SYSTEMS.length; k++) {
    at -= weights[TRANSLIT_SYSTEMS[k]!] ?? 0;
    if (at < 0) return k;
  }
  return 0;
}

/** The person's date as one record writes it: real, swapped, typo, placeholder or day 00. */
function dateVariant(p: CrmPerson, rand: () => number, mix: CrmMix): string {
  const x = rand();
  if (x < mix.placeholder * 0.85) return `${p.year}-01-01`;
  if (x < mix.placeholder) return '1900-01-01';
  const y = rand();
  if (y < 0.08 && p.day <= 12) return `${p.year}-${pad(p.day)}-${pad(p.month)}`;
  if (y < 0.14) return `${p.year}-${pad(p.month)}-00`;
  if (y < 0.14 + mix.typo / 2) {
    const t = digitTypo(`${p.year}${pad(p.month)}${pad(p.day)}`, rand);
    const month = Number(t.slice(4, 6));
    const day = Number(t.slice(6, 8));
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28)
      return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6)}`;
  }
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** About `n` records of CRM-like people; ids 1..n in shuffled order, truth = person serial. */
export function generateCrmContacts(n: number, seed: number, mix: CrmMix): SyntheticData {
  const rand = mulberry32(seed);
  const people: CrmPerson[] = [];
  const records: ResolveInput[] = [];
  const owner: number[] = [];
  while (records.length < n) {
    const p = makePerson(rand, people.length, people, mix);
    const size = Math.min(clusterSize(rand), n - records.length);
    for (let k = 0; k < size; k++) {
      records.push(render(p, rand, mix));
      owner.push(people.length);
    }
    people.push(p);
  }
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
    [owner[i], owner[j]] = [owner[j]!, owner[i]!];
  }
  const truth = new Map<number, number>();
  records.forEach((r, i) => {
    r.id = i + 1;
    r.sourceKey = `${mix.name}-${i + 1}`;
    truth.set(i + 1, owner[i]!);
  });
  return { records, truth };
}
