import type { RecordId } from './record-ref.js';

interface Override {
  id: number;
  kind: 'same' | 'different';
  a: RecordId;
  b: RecordId;
}

const node = (r: RecordId): string => `${r.source}\u0000${r.sourceKey}`;

/**
 * The "same" overrides in force as a graph: records are nodes, each override an edge. "Same" is
 * transitive, so `same A B` and `same B C` say A and C are one customer: a later `different A C`
 * contradicts the pair of them, not one alone, and resolve could honour only one side.
 */
class SameGraph<T extends Override> {
  private readonly edges = new Map<string, Array<{ to: string; override: T }>>();

  constructor(overrides: readonly T[]) {
    for (const o of overrides) {
      if (o.kind !== 'same') continue;
      this.add(node(o.a), node(o.b), o);
      this.add(node(o.b), node(o.a), o);
    }
  }

  private add(from: string, to: string, override: T): void {
    let list = this.edges.get(from);
    if (!list) this.edges.set(from, (list = []));
    list.push({ to, override });
  }

  /** The overrides on a shortest chain from one record to the other; [] for the same record, null when none. */
  path(from: string, to: string): T[] | null {
    if (from === to) return [];
    const via = new Map<string, { prev: string; override: T }>([[from, { prev: from, override: null! }]]);
    const queue = [from];
    for (let q = 0; q < queue.length; q++) {
      const at = queue[q]!;
      for (const e of this.edges.get(at) ?? []) {
        if (via.has(e.to)) continue;
        via.set(e.to, { prev: at, override: e.override });
        if (e.to === to) {
          const chain: T[] = [];
          for (let n = to; n !== from; n = via.get(n)!.prev) chain.push(via.get(n)!.override);
          return chain.reverse();
        }
        queue.push(e.to);
      }
    }
    return null;
  }
}

/**
 * The overrides in force that a new one would contradict, or null: for `different A B`, a chain
 * of "same" overrides from A to B; for `same A B`, a "different X Y" whose records the new link
 * would join (X…A + A=B + B…Y), with the chains it runs through.
 */
export function contradiction<T extends Override>(
  inForce: readonly T[],
  kind: 'same' | 'different',
  a: RecordId,
  b: RecordId,
): { overrides: T[] } | null {
  const graph = new SameGraph(inForce);
  const [na, nb] = [node(a), node(b)];
  if (kind === 'different') {
    const chain = graph.path(na, nb);
    return chain ? { overrides: chain } : null;
  }
  for (const d of inForce) {
    if (d.kind !== 'different') continue;
    const [nx, ny] = [node(d.a), node(d.b)];
    for (const [p, q] of [
      [na, nb],
      [nb, na],
    ] as const) {
      const left = graph.path(nx, p);
      const right = left && graph.path(q, ny);
      if (left && right) return { overrides: [d, ...left, ...right] };
    }
  }
  return null;
}
