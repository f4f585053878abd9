import { Attributes, BLOCKING_RULES, ruleKeys } from './blocking-rules.js';
import { matchKeysAt } from '../prepare/match-keys.js';
import type { BlockKeys } from '../types/block-keys.js';
import type { MatchKeys } from '../types/match-keys.js';
import { prepare } from '../prepare/prepare.js';
import type { ResolveInput } from '../types/public.js';

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
