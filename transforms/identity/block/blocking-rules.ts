import { DETERMINISTIC_FIELDS } from './deterministic.js';
import type { Attr, BlockingRule, Guards } from '../types/blocking.js';
import {
  F_CITY,
  F_COMPANY,
  F_EMAIL,
  F_FIRST,
  F_LAST,
  F_PHONE,
  F_PID,
  F_POSTCODE,
  F_TAX,
} from '../shared/fields.js';
import { combineHash, finishHash, hashString } from '../shared/hash.js';
import type { Prepared } from '../types/prepared.js';

/**
 * Blocking rules: two records are compared only when some rule gives them the same key.
 *
 * Each rule catches what the others miss: identifiers for records whose names were mangled;
 * phonetic surname + given name + birth year for a new email and address; date of birth + initials
 * or + given name for a surname typo or a new surname; given name or surname + postcode for a date
 * typo or no date at all. Most CRM rows have no date of birth and no postcode, so the last rules
need neither: the same e-mail login at another domain, the same last seven phone digits
(a number written with another country or trunk prefix), the names alone — given name by its
family (nicknames.ts: Саша meets Александр) and surname by phonetic key, in either column
order — and the names with the city, which still pairs "Иванов Иван" within one city when
the name alone makes a block over the cap (a common name is a big block, and big blocks are
skipped: term frequency bounds the work), and surname + city, given name + surname initial +
city for a name with a typo the phonetic key does not absorb. Keys combine two or three attributes
 * so blocks stay small as data grows — a rule on birth date alone would put 40 people in each
 * block at a million records, i.e. quadratic work. Identifier values the shared-value guard refused
 * (a switchboard phone, an employer's INN) are no keys either: they group many people and never
 * decide anything.
 *
 * The rules on names (and place) alone are `wide`: their blocks grow with the data (one name is
 * 24 records at 300,000 CRM rows, 80 at a million) and a block of one common name gives pairs
 * that names cannot decide — a names-only link needs a rare name (name-frequency.ts). So they are
 * capped lower, at maxNameBlockSize (blockCap): past it the names rule leaves the name to names +
 * city, which pairs it within one city. Under the one cap of 100 these rules made 47.9 M pairs at
 * a million records; with the name cap, 4.7 M, for the same recall.
 *
 * A key is a 32-bit hash of the attributes' value hashes, which depend only on the values' text:
 * the same record gets the same keys in every run, so the warehouse can store them (incremental
 * runs look candidates up by key instead of re-reading every record).
 */
export const BLOCKING_RULES: readonly BlockingRule[] = Object.freeze([
  { name: 'email', parts: ['email'] },
  { name: 'phone', parts: ['phone'] },
  { name: 'tax_id', parts: ['tax_id'] },
  { name: 'personal_id', parts: ['personal_id'] },
  {
    name: 'surname_phonetic+given_phonetic+birth_year',
    parts: ['surname_phonetic', 'given_phonetic', 'birth_year'],
  },
  { name: 'birth_date+initials', parts: ['given_initial', 'surname_initial', 'birth_date'], unordered: true },
  { name: 'given_phonetic+birth_date', parts: ['given_phonetic', 'birth_date'] },
  { name: 'birth_date+postcode', parts: ['birth_date', 'postcode'] },
  { name: 'given_name+postcode', parts: ['given_name', 'postcode'] },
  { name: 'surname+postcode', parts: ['surname', 'postcode'] },
  { name: 'company+surname_phonetic', parts: ['company', 'surname_phonetic'] },
  // Rules that need no date, postcode or shared identifier (most CRM rows have none of them).
  { name: 'email_local', parts: ['email_local'] },
  { name: 'phone_suffix', parts: ['phone_suffix'] },
  { name: 'names', parts: ['given_family', 'surname_family'], unordered: true, wide: true },
  { name: 'names+city', parts: ['given_family', 'surname_family', 'city'], unordered: true, wide: true },
  { name: 'surname_phonetic+city', parts: ['surname_phonetic', 'city'], wide: true },
  {
    name: 'given_family+surname_initial+city',
    parts: ['given_family', 'surname_initial', 'city'],
    wide: true,
  },
  // A typo in the given name that its phonetic key does not absorb (Stenven / Steven, Ricahrd /
  // Richard), on a row without a city: the surname whole and the given name's first letter. (The
  // mirror rule, given name + surname initial, was measured: given names are so few that its
  // blocks gave five times all other pairs together for a few dozen more true pairs.)
  { name: 'surname_family+given_initial', parts: ['surname_family', 'given_initial'], wide: true },
]);

/** The caps of block sizes (ResolveConfig). */
export interface BlockCaps {
  maxBlockSize: number;
  maxNameBlockSize: number;
}

/** Records a block of `rule` may hold and still be expanded (wide rules: the lower name cap). */
export function blockCap(rule: BlockingRule, caps: BlockCaps): number {
  return rule.wide ? Math.min(caps.maxNameBlockSize, caps.maxBlockSize) : caps.maxBlockSize;
}

/** Value of one attribute per record position (stable across runs), `has` = present. */
interface Attribute {
  value: Uint32Array;
  has: Uint8Array;
}

/** Attribute columns, computed on first use and shared by the rules of one run. */
export class Attributes {
  private readonly cache = new Map<Attr, Attribute>();

  constructor(
    private readonly p: Prepared,
    private readonly guards: Guards | null,
  ) {}

  get(name: Attr): Attribute {
    let a = this.cache.get(name);
    if (!a) this.cache.set(name, (a = this.compute(name)));
    return a;
  }

  private compute(name: Attr): Attribute {
    const p = this.p;
    const value = new Uint32Array(p.n);
    const has = new Uint8Array(p.n);
    const fromCodes = (
      codes: Int32Array,
      hashOf: (code: number) => number,
      usable?: (code: number) => boolean,
    ): void => {
      for (let i = 0; i < p.n; i++) {
        const c = codes[i]!;
        if (c < 0 || (usable && !usable(c))) continue;
        value[i] = hashOf(c);
        has[i] = 1;
      }
    };
    const phon = p.phonetic;
    const columns: Partial<Record<Attr, number>> = {
      email: F_EMAIL,
      phone: F_PHONE,
      tax_id: F_TAX,
      personal_id: F_PID,
      given_name: F_FIRST,
      surname: F_LAST,
      postcode: F_POSTCODE,
      city: F_CITY,
      company: F_COMPANY,
    };
    const f = columns[name];
    if (f !== undefined) {
      fromCodes(p.cols[f]!.codes, (c) => p.cols[f]!.valueHash[c]!, this.identifier(f));
    } else if (name === 'given_phonetic' || name === 'surname_phonetic') {
      fromCodes(name === 'given_phonetic' ? p.phonFirst : p.phonLast, (c) => phon.valueHash[c]!);
    } else if (name === 'given_family' || name === 'surname_family') {
      // The name family when the nickname table knows the name, else its phonetic key; both
      // columns alike, so swapped given name and surname still meet (unordered rules).
      const given = name === 'given_family';
      const family = given ? p.familyFirst : p.familyLast;
      const names = given ? p.cols[F_FIRST]! : p.cols[F_LAST]!;
      const phonCodes = given ? p.phonFirst : p.phonLast;
      const familyHash = new Map<number, number>();
      for (let i = 0; i < p.n; i++) {
        const c = names.codes[i]!;
        if (c < 0) continue;
        const fam = family[c]!;
        if (fam >= 0) {
          let h = familyHash.get(fam);
          if (h === undefined) familyHash.set(fam, (h = hashString(`family:${fam}`)));
          value[i] = h;
        } else {
          const pc = phonCodes[i]!;
          if (pc < 0) continue;
          value[i] = phon.valueHash[pc]!;
        }
        has[i] = 1;
      }
    } else if (name === 'email_local' || name === 'phone_suffix') {
      const f = name === 'email_local' ? F_EMAIL : F_PHONE;
      const col = p.cols[f]!;
      const usable = this.identifier(f)!;
      const keyOf = new Map<number, number>();
      for (let i = 0; i < p.n; i++) {
        const c = col.codes[i]!;
        if (c < 0 || !usable(c)) continue;
        let h = keyOf.get(c);
        if (h === undefined) {
          const v = col.values[c]!;
          // A login shorter than 5 characters ("ivan", "anna") is shared by many people.
          const part = f === F_EMAIL ? v.slice(0, v.indexOf('@')) : v.slice(-7);
          h = part.length >= (f === F_EMAIL ? 5 : 7) ? hashString(`${name}:${part}`) : 0;
          keyOf.set(c, h);
        }
        if (h === 0) continue;
        value[i] = h;
        has[i] = 1;
      }
    } else if (name === 'given_initial' || name === 'surname_initial') {
      // First letter of the phonetic key: transliterations (Yulia/Iulia/Julija) agree on it.
      fromCodes(name === 'given_initial' ? p.phonFirst : p.phonLast, (c) => phon.values[c]!.charCodeAt(0));
    } else {
      for (let i = 0; i < p.n; i++) {
        const d = p.dob[i]!;
        if (d === 0) continue;
        value[i] = name === 'birth_year' ? (d / 10000) | 0 : d;
        has[i] = 1;
      }
    }
    return { value, has };
  }

  /** For identifier fields: refuse role addresses and values the guard found shared. */
  private identifier(f: number): ((code: number) => boolean) | undefined {
    const r = DETERMINISTIC_FIELDS.findIndex((d) => d.field === f);
    if (r < 0) return undefined;
    const usable = this.guards?.usable[r];
    const role = f === F_EMAIL ? this.p.roleEmail : null;
    return (c) => (role === null || role[c] === 0) && (usable === undefined || usable[c] === 1);
  }
}

/** Keys of one rule for every record: `has[i]` is 0 when a part is missing. */
export function ruleKeys(
  attrs: Attributes,
  rule: BlockingRule,
  n: number,
): { keys: Uint32Array; has: Uint8Array } {
  const parts = rule.parts.map((a) => attrs.get(a));
  const keys = new Uint32Array(n);
  const has = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    let ok = 1;
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k]!;
      if (part.has[i] === 0) {
        ok = 0;
        break;
      }
      let v = part.value[i]!;
      if (rule.unordered && k < 2) {
        const w = parts[1 - k]!.value[i]!;
        v = k === 0 ? Math.min(v, w) : Math.max(v, w);
      }
      h = combineHash(h, v);
    }
    if (ok === 0) continue;
    keys[i] = finishHash(h);
    has[i] = 1;
  }
  return { keys, has };
}
