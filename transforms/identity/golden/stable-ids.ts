import type { Merge } from '../types/public.js';

export interface IdAssignment {
  /** Customer id per cluster index. */
  customerOf: Float64Array;
  merges: Merge[];
  splits: Array<{ fromId: number; newId: number }>;
  newCustomerIds: number[];
  nextCustomerId: number;
}

/**
 * Gives every cluster a customer id so that ids survive across runs.
 *
 * A cluster keeps the existing id held by most of its records (ties: the smallest id). When two
 * clusters want the same id (an old customer was split) the one holding more of its records wins
 * and the other falls back to its next id, else a new one. Ids that end up on no cluster were
 * absorbed: they are reported as merges into the cluster that took most of their records.
 *
 * @param members   record positions of each cluster, CSR: cluster c is
 *                  `order[start[c] .. start[c+1])`
 * @param existingOf existing customer id per record position, NaN when none
 */
export function assignCustomerIds(
  start: Int32Array,
  order: Int32Array,
  existingOf: Float64Array,
  nextCustomerId: number | undefined,
): IdAssignment {
  const clusters = start.length - 1;
  const customerOf = new Float64Array(clusters).fill(NaN);
  // Candidate claims (cluster, id, count), flattened for a single sort.
  const claimCluster: number[] = [];
  const claimId: number[] = [];
  const claimCount: number[] = [];
  let maxId = 0;
  const held = new Map<number, number>();
  for (let c = 0; c < clusters; c++) {
    held.clear();
    for (let k = start[c]!; k < start[c + 1]!; k++) {
      const id = existingOf[order[k]!]!;
      if (Number.isNaN(id)) continue;
      held.set(id, (held.get(id) ?? 0) + 1);
      if (id > maxId) maxId = id;
    }
    for (const [id, count] of held) {
      claimCluster.push(c);
      claimId.push(id);
      claimCount.push(count);
    }
  }
  let next = nextCustomerId ?? maxId + 1;
  if (next <= maxId) next = maxId + 1;

  const claims = Array.from(claimId.keys());
  claims.sort((a, b) => claimCount[b]! - claimCount[a]! || claimId[a]! - claimId[b]! || a - b);
  const taken = new Set<number>();
  // For merges: which cluster held most records of each id (first claim in sorted order).
  const bestHolder = new Map<number, number>();
  for (const k of claims) {
    const c = claimCluster[k]!;
    const id = claimId[k]!;
    if (!bestHolder.has(id)) bestHolder.set(id, c);
    if (!Number.isNaN(customerOf[c]!) || taken.has(id)) continue;
    customerOf[c] = id;
    taken.add(id);
  }

  const newCustomerIds: number[] = [];
  const splits: Array<{ fromId: number; newId: number }> = [];
  // The preferred (first) claim of each cluster, to name where a split came from.
  const firstClaim = new Map<number, number>();
  for (const k of claims)
    if (!firstClaim.has(claimCluster[k]!)) firstClaim.set(claimCluster[k]!, claimId[k]!);
  for (let c = 0; c < clusters; c++) {
    if (!Number.isNaN(customerOf[c]!)) continue;
    const id = next++;
    customerOf[c] = id;
    newCustomerIds.push(id);
    const from = firstClaim.get(c);
    if (from !== undefined) splits.push({ fromId: from, newId: id });
  }

  const merges: Merge[] = [];
  for (const [id, c] of bestHolder) {
    if (taken.has(id)) continue;
    merges.push({ survivingId: customerOf[c]!, absorbedId: id });
  }
  merges.sort((a, b) => a.survivingId - b.survivingId || a.absorbedId - b.absorbedId);
  return { customerOf, merges, splits, newCustomerIds, nextCustomerId: next };
}
