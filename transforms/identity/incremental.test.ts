import { describe, expect, it } from 'vitest';
import { generateSyntheticContacts } from '../../test/bench/resolve-synthetic.js';
import { blockKeysOf } from './block/block-keys.js';
import { evaluateClusters } from './evaluate.js';
import { resolve } from './resolve.js';
import type { ResolveInput } from './types/public.js';

describe('incremental resolution', () => {
  const all = generateSyntheticContacts(3030, 11);
  const old = all.records.slice(0, 3000);
  const fresh = all.records.slice(3000);
  const freshIds = new Set(fresh.map((r) => r.id));
  const full = resolve(old, { returnBlockKeys: true });
  const options = {
    existing: full.assignment,
    changedIds: freshIds,
    model: full.model,
    nextCustomerId: full.nextCustomerId,
  };

  it('compares only new records, keeps old ids, and matches a full re-run', () => {
    const inc = resolve(all.records, options);
    expect(inc.stats.candidatePairs).toBeLessThan(full.stats.candidatePairs / 20);
    const absorbed = new Set(inc.merges.map((m) => m.absorbedId));
    for (const r of old) {
      const before = full.assignment.get(r.id)!;
      const after = inc.assignment.get(r.id)!;
      if (after !== before) expect(absorbed.has(before)).toBe(true);
    }
    const incremental = evaluateClusters(all.truth, inc.assignment);
    const rerun = evaluateClusters(all.truth, resolve(all.records).assignment);
    expect(incremental.f1).toBeGreaterThan(rerun.f1 - 0.01);
  });

  it('gives the same answer on the neighbourhood found through stored blocking keys', () => {
    // The warehouse keeps (rule, key) -> records; here a Map stands in for that table.
    const table = new Map<string, number[]>();
    const keys = full.blockKeys!;
    for (let x = 0; x < keys.key.length; x++) {
      const k = `${keys.rule[x]}:${keys.key[x]}`;
      const list = table.get(k) ?? [];
      list.push(old[keys.record[x]!]!.id);
      table.set(k, list);
    }
    const freshKeys = blockKeysOf(fresh);
    const neighbours = new Set<number>();
    for (let x = 0; x < freshKeys.key.length; x++) {
      for (const id of table.get(`${freshKeys.rule[x]}:${freshKeys.key[x]}`) ?? []) neighbours.add(id);
    }
    const members = new Map<number, number[]>();
    for (const [id, c] of full.assignment) members.set(c, [...(members.get(c) ?? []), id]);
    const subsetIds = new Set<number>();
    for (const id of neighbours)
      for (const mate of members.get(full.assignment.get(id)!)!) subsetIds.add(mate);
    const byId = new Map<number, ResolveInput>(old.map((r) => [r.id, r]));
    const subset = [...[...subsetIds].map((id) => byId.get(id)!), ...fresh];
    expect(subset.length).toBeLessThan(old.length / 5);

    const viaKeys = resolve(subset, options);
    const whole = resolve(all.records, options);
    let same = 0;
    for (const r of fresh) {
      const a = viaKeys.assignment.get(r.id)!;
      const b = whole.assignment.get(r.id)!;
      // New customers are numbered in a different order; compare who they are grouped with.
      const groupA = [...viaKeys.assignment].filter(([, c]) => c === a).map(([id]) => id);
      const groupB = [...whole.assignment].filter(([, c]) => c === b).map(([id]) => id);
      if (groupA.sort().join() === groupB.sort().join()) same++;
    }
    expect(same / fresh.length).toBeGreaterThanOrEqual(0.98);
  });
});

describe('stored match keys', () => {
  it('give the same result as normalizing the raw fields again', () => {
    const data = generateSyntheticContacts(1500, 5);
    const first = resolve(data.records);
    const withKeys = data.records.map((r) => ({
      ...r,
      full_name: null,
      email: 'ignored',
      match_keys: first.matchKeys(r.id)!,
    }));
    const again = resolve(withKeys, { model: first.model });
    const plain = resolve(data.records, { model: first.model });
    expect(again.assignment).toEqual(plain.assignment);
  });
});
