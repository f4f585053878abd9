import { ConstrainedClustering, type LinkagePolicy } from './cluster.js';
import type { DisjointSets } from './disjoint-sets.js';
import { FS_RULE, type Edges } from './edges.js';
import type { PairBuffer } from '../block/pair-buffer.js';
import type { Prepared } from '../types/prepared.js';
import type { RecordIndex } from '../prepare/record-index.js';
import type { PairScorer } from '../train/scorer.js';
import type { ResolveOptions } from '../types/public.js';

export interface ClusteringOutcome {
  sets: DisjointSets;
  /** Must-link pairs applied, as positions (they explain records first). */
  mustLinks: Array<[number, number]>;
  /** Must-link pairs (record ids) refused because of a cannot-link. */
  conflicts: Array<readonly [number, number]>;
}

/**
 * Applies, in order: cannot-links (as constraints), in incremental mode the unchanged records'
 * existing customers (trusted as they are), must-links, deterministic edges, then FS edges.
 * The order is the priority: manual decisions, then the previous run, then rules, then scores.
 */
export function runClustering(
  p: Prepared,
  posOf: RecordIndex,
  scorer: PairScorer,
  policy: LinkagePolicy,
  pairs: PairBuffer,
  edges: Edges,
  options: ResolveOptions,
  changed: Uint8Array | null,
): ClusteringOutcome {
  const cc = new ConstrainedClustering(p.n, scorer, policy);
  const overrides = options.overrides ?? {};
  for (const [a, b] of overrides.cannotLink ?? []) {
    const pa = posOf.get(a);
    const pb = posOf.get(b);
    if (pa !== undefined && pb !== undefined) cc.addCannotLink(pa, pb);
  }

  if (changed !== null && options.existing) {
    const anchor = new Map<number, number>();
    for (let i = 0; i < p.n; i++) {
      if (changed[i]) continue;
      const customer = options.existing.get(p.ids[i]!);
      if (customer === undefined) continue;
      const first = anchor.get(customer);
      if (first === undefined) anchor.set(customer, i);
      else cc.joinTrusted(first, i);
    }
  }

  const mustLinks: Array<[number, number]> = [];
  const conflicts: Array<readonly [number, number]> = [];
  for (const pair of overrides.mustLink ?? []) {
    const pa = posOf.get(pair[0]);
    const pb = posOf.get(pair[1]);
    if (pa === undefined || pb === undefined) continue;
    if (cc.mustLink(pa, pb)) mustLinks.push([pa, pb]);
    else conflicts.push(pair);
  }

  for (let e = 0; e < edges.count; e++) {
    const k = edges.pair[e]!;
    cc.tryLink(pairs.left[k]!, pairs.right[k]!, edges.rule[e] === FS_RULE);
  }
  return { sets: cc.sets, mustLinks, conflicts };
}
