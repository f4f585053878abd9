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
import { combineHash, finishHash } from '../shared/hash.js';
import type { Prepared } from '../types/prepared.js';

/**
 * Blocking rules: two records are compared only when some rule gives them the same key.
 *
 * Each rule catches what the others miss: identifiers for records whose names were mangled;
 * phonetic surname + given name + birth year for a new email and address; date of birth + initials
 * or + given name for a surname typo or a new surname; given name or surname + postcode for a date
 * typo or no date at all. Keys combine two or three attributes
 * so blocks stay small as data grows — a rule on birth date alone would put 40 people in each
 * block at a million records, i.e. quadratic work. Identifier values the shared-value guard refused
 * (a switchboard phone, an employer's INN) are no keys either: they group many people and never
 * decide anything. A rule on names + city was dropped: at a million records it produced a quarter of
 * all pairs and 0.3% of the true ones.
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
]);

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
