import { Attributes, blockCap, ruleKeys, type BlockCaps } from './blocking-rules.js';
import type { BlockKeys } from '../types/block-keys.js';
import type { BlockingRule, Guards } from '../types/blocking.js';
import { PairBuffer } from './pair-buffer.js';
import { radixSortByKey } from '../shared/radix.js';
import { mulberry32 } from '../shared/random.js';
import type { Prepared } from '../types/prepared.js';
import type { BlockingStat } from '../types/public.js';

/**
 * Candidate pair generation.
 *
 * Per rule, records are grouped by key with a radix sort of key hashes (CSR: block b holds
 * `members[start[b] .. start[b+1])`). A pair is emitted by the first rule that puts both records
 * in the same (not skipped) block, and skipped by every later rule — so each pair is compared
 * once without a global hash set of pairs, and each rule's count is what it added.
 * Blocks above `maxBlockSize` are not expanded (a switchboard phone, "Ivanov 1980" at a million
 * records) and are reported; so are blocks of the rules on names alone above `maxNameBlockSize`
 * (blockCap), which bounds the pairs per record those rules add as the data grows.
 */
interface RuleBlocks {
  /** Dense block id per record position, -1 when no key. */
  block: Int32Array;
  start: Int32Array;
  members: Int32Array;
  /** 1 for blocks too large to expand. */
  skipped: Uint8Array;
  keys: Uint32Array;
  has: Uint8Array;
}

export interface Candidates {
  pairs: PairBuffer;
  stats: BlockingStat[];
  /**
   * Per rule, a sample of *all* pairs in its blocks (also those an earlier rule produced): the
   * EM training sessions of train.ts. Empty unless asked for.
   */
  sessions: PairBuffer[];
  /** Every record's keys, when asked for (see block-keys.ts). */
  keys: BlockKeys | null;
  /**
   * Records (changed ones, in incremental mode) that no rule covered: no key in any rule, or only
   * keys of blocks over the size cap. They can meet no one but through the clustering checks.
   */
  uncovered: number;
}

export function buildBlocks(
  attrs: Attributes,
  n: number,
  rule: BlockingRule,
  maxBlockSize: number,
  globalSize?: (key: number) => number | undefined,
): RuleBlocks {
  const { keys: hashes, has } = ruleKeys(attrs, rule, n);
  let count = 0;
  for (let i = 0; i < n; i++) count += has[i]!;
  const keyed = new Int32Array(count);
  for (let i = 0, w = 0; i < n; i++) if (has[i]) keyed[w++] = i;
  // Records with equal key hashes are adjacent after sorting: each run is a block. (A hash
  // collision merges two blocks, which only adds candidate pairs that scoring rejects.)
  const members = radixSortByKey(hashes, keyed);
  const block = new Int32Array(n).fill(-1);
  const starts: number[] = [];
  for (let k = 0; k < members.length; k++) {
    if (k === 0 || hashes[members[k]!] !== hashes[members[k - 1]!]) starts.push(k);
    block[members[k]!] = starts.length - 1;
  }
  starts.push(members.length);
  const start = Int32Array.from(starts);
  const blocks = start.length - 1;
  const skipped = new Uint8Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const size = Math.max(start[b + 1]! - start[b]!, globalSize?.(hashes[members[start[b]!]!]!) ?? 0);
    if (size > maxBlockSize) skipped[b] = 1;
  }
  return { block, start, members, skipped, keys: hashes, has };
}

/**
 * All candidate pairs, or (with `changed`) only pairs with at least one changed record — the
 * incremental mode: blocks without a changed record are never visited.
 */
export function generateCandidates(
  p: Prepared,
  guards: Guards | null,
  rules: readonly BlockingRule[],
  caps: BlockCaps,
  changed: Uint8Array | null,
  options: {
    collectKeys?: boolean;
    sessionPairs?: number;
    seed?: number;
    /** Block sizes over the whole population (ResolveOptions.population), by rule index and key. */
    globalSize?: (rule: number, key: number) => number | undefined;
  } = {},
): Candidates {
  const pairs = new PairBuffer(Math.max(1024, p.n * 4));
  const built: RuleBlocks[] = [];
  const attrs = new Attributes(p, guards);
  const stats: BlockingStat[] = [];
  const sessions: PairBuffer[] = [];
  const rand = mulberry32(options.seed ?? 1);
  const covered = new Uint8Array(p.n);
  rules.forEach((rule, r) => {
    const global = options.globalSize;
    const rb = buildBlocks(attrs, p.n, rule, blockCap(rule, caps), global && ((key) => global(r, key)));
    built.push(rb);
    const session = new PairBuffer();
    sessions.push(session);
    const share = sessionShare(rb, options.sessionPairs ?? 0);
    const stat: BlockingStat = { rule: rule.name, pairs: 0, blocks: 0, skippedBlocks: 0, skippedRecords: 0 };
    stats.push(stat);
    const before = pairs.length;
    const visit = (b: number): void => {
      const lo = rb.start[b]!;
      const hi = rb.start[b + 1]!;
      if (hi - lo < 2) return;
      stat.blocks++;
      if (rb.skipped[b]) {
        stat.skippedBlocks++;
        stat.skippedRecords += hi - lo;
        return;
      }
      for (let x = lo; x < hi; x++) {
        const a = rb.members[x]!;
        for (let y = x + 1; y < hi; y++) {
          const c = rb.members[y]!;
          if (changed !== null && changed[a] === 0 && changed[c] === 0) continue;
          if (share > 0 && (share >= 1 || rand() < share)) session.push(a, c, r);
          if (!coveredEarlier(built, r, a, c)) pairs.push(a, c, r);
        }
      }
    };
    if (changed === null) {
      for (let b = 0; b + 1 < rb.start.length; b++) visit(b);
    } else {
      const seen = new Uint8Array(rb.start.length - 1);
      for (let i = 0; i < p.n; i++) {
        const b = rb.block[i]!;
        if (changed[i] === 0 || b < 0 || seen[b]) continue;
        seen[b] = 1;
        visit(b);
      }
    }
    stat.pairs = pairs.length - before;
    for (let i = 0; i < p.n; i++) {
      const b = rb.block[i]!;
      if (b >= 0 && rb.skipped[b] === 0) covered[i] = 1;
    }
  });
  let uncovered = 0;
  for (let i = 0; i < p.n; i++) if (covered[i] === 0 && (changed === null || changed[i] === 1)) uncovered++;
  return { pairs, stats, sessions, keys: options.collectKeys ? gatherKeys(built, rules) : null, uncovered };
}

/** Share of a rule's pairs to keep for its training session (at most `max` pairs). */
function sessionShare(rb: RuleBlocks, max: number): number {
  if (max <= 0) return 0;
  let total = 0;
  for (let b = 0; b + 1 < rb.start.length; b++) {
    const size = rb.start[b + 1]! - rb.start[b]!;
    if (!rb.skipped[b]) total += (size * (size - 1)) / 2;
  }
  return total <= max ? 1 : max / total;
}

function gatherKeys(built: RuleBlocks[], rules: readonly BlockingRule[]): BlockKeys {
  let total = 0;
  for (const rb of built) for (let i = 0; i < rb.has.length; i++) total += rb.has[i]!;
  const out: BlockKeys = {
    rules: rules.map((r) => r.name),
    rule: new Uint8Array(total),
    key: new Uint32Array(total),
    record: new Int32Array(total),
  };
  let w = 0;
  built.forEach((rb, r) => {
    for (let i = 0; i < rb.has.length; i++) {
      if (!rb.has[i]) continue;
      out.rule[w] = r;
      out.key[w] = rb.keys[i]!;
      out.record[w++] = i;
    }
  });
  return out;
}

/** Whether an earlier rule already produced (a, c): same block there, and that block expanded. */
function coveredEarlier(built: RuleBlocks[], r: number, a: number, c: number): boolean {
  for (let q = 0; q < r; q++) {
    const rb = built[q]!;
    const b = rb.block[a]!;
    if (b >= 0 && b === rb.block[c]! && rb.skipped[b] === 0) return true;
  }
  return false;
}
