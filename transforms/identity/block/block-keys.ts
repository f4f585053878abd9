import { Attributes, BLOCKING_RULES, ruleKeys } from './blocking-rules.js';
import { matchKeysAt, type MatchKeys } from '../prepare/match-keys.js';
import { prepare } from '../prepare/prepare.js';
import type { ResolveInput } from '../types/public.js';

/**
 * Blocking keys of records, for the warehouse to keep in an indexed table
 * (rule, key, record id). Keys depend only on the records' values, so they are the same in every
 * run. An incremental run then needs no pass over all records: the changed records' keys select
 * the stored records they could match (skip keys held by more than maxBlockSize records, as
 * blocking does); those plus the other records of their customers go to
 * `resolve(subset, { existing, changedIds, model })`.
 *
 * `rule[k]`, `key[k]`, `record[k]` (a position in the records passed) describe one key; records
 * lacking a rule's attributes have no key for it. A full run returns the keys of all its records
 * (`ResolveResult.blockKeys`, with shared identifiers already left out); `blockKeysOf` gives the
 * keys of new records, whose identifiers cannot be judged shared yet — an oversized key is
 * skipped at lookup anyway.
 */
export interface BlockKeys {
  rules: readonly string[];
  rule: Uint8Array;
  key: Uint32Array;
  record: Int32Array;
}

/**
 * Blocking keys of new or changed records, plus their match keys: pass those back as
 * `match_keys` on the same records and the resolver does not normalize them a second time.
 */
export function blockKeysOf(
  records: readonly ResolveInput[],
  defaultRegion = 'RU',
): BlockKeys & { matchKeys: MatchKeys[] } {
  const p = prepare(records, defaultRegion);
  const attrs = new Attributes(p, null);
  const rule: number[] = [];
  const key: number[] = [];
  const record: number[] = [];
  BLOCKING_RULES.forEach((r, index) => {
    const { keys, has } = ruleKeys(attrs, r, p.n);
    for (let i = 0; i < p.n; i++) {
      if (!has[i]) continue;
      rule.push(index);
      key.push(keys[i]!);
      record.push(i);
    }
  });
  return {
    rules: BLOCKING_RULES.map((r) => r.name),
    rule: Uint8Array.from(rule),
    key: Uint32Array.from(key),
    record: Int32Array.from(record),
    matchKeys: records.map((_, i) => matchKeysAt(p, i)),
  };
}
