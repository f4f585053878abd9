/**
 * Union–find over record positions that can also list a set's members: each set is a circular
 * linked list through `next`, and splicing two circles is O(1). Clustering needs the members to
 * check a merge against every record already in both clusters.
 */
export class DisjointSets {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  readonly next: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    this.next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.next[i] = i;
    }
  }

  find(x: number): number {
    const parent = this.parent;
    let root = x;
    while (parent[root]! !== root) root = parent[root]!;
    // Path compression keeps later finds near O(1).
    while (parent[x]! !== root) {
      const up = parent[x]!;
      parent[x] = root;
      x = up;
    }
    return root;
  }

  /** Joins two roots (union by size); returns the new root. */
  unionRoots(a: number, b: number): number {
    if (a === b) return a;
    if (this.size[a]! < this.size[b]!) [a, b] = [b, a];
    this.parent[b] = a;
    this.size[a]! += this.size[b]!;
    const na = this.next[a]!;
    this.next[a] = this.next[b]!;
    this.next[b] = na;
    return a;
  }

  /** Members of the set containing `x`, starting at `x`. */
  members(x: number): number[] {
    const out = [x];
    for (let k = this.next[x]!; k !== x; k = this.next[k]!) out.push(k);
    return out;
  }

  /**
   * Clusters as CSR: cluster c holds positions `order[start[c] .. start[c+1])`, numbered by the
   * smallest position in each, so the numbering is deterministic.
   */
  toCsr(): { clusterOf: Int32Array; start: Int32Array; order: Int32Array } {
    const n = this.parent.length;
    const clusterOf = new Int32Array(n).fill(-1);
    let clusters = 0;
    const rootCluster = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (rootCluster[r]! < 0) rootCluster[r] = clusters++;
      clusterOf[i] = rootCluster[r]!;
    }
    const start = new Int32Array(clusters + 1);
    for (let i = 0; i < n; i++) start[clusterOf[i]! + 1]!++;
    for (let c = 0; c < clusters; c++) start[c + 1]! += start[c]!;
    const fill = start.slice(0, clusters);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[clusterOf[i]!]!++] = i;
    return { clusterOf, start, order };
  }
}
