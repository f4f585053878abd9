import type { ClusteringOutcome } from '../cluster/clustering-run.js';
import type { Edges } from '../cluster/edges.js';
import type { LinkColumns } from './link-table.js';
import type { PairBuffer } from '../block/pair-buffer.js';
import type { PairScorer } from '../train/scorer.js';

/**
 * One link per record: the strongest edge joining it to another record of its customer —
 * a must-link first, then a deterministic rule, then the best FS pair (edges arrive sorted that
 * way). A record in a multi-record customer with no such edge was kept there from the previous
 * run ('existing'); a record alone is 'none'. Codes index LINK_RULES.
 */
export function explainRecords(
  scorer: PairScorer,
  clustering: ClusteringOutcome,
  pairs: PairBuffer,
  edges: Edges,
  evidence: Float64Array,
  csr: { clusterOf: Int32Array; start: Int32Array },
  customerOf: Float64Array,
): LinkColumns {
  const n = csr.clusterOf.length;
  const cols: LinkColumns = {
    customer: new Float64Array(n),
    rule: new Uint8Array(n),
    partner: new Int32Array(n).fill(-1),
    evidence: new Float64Array(n),
    namesOnly: new Uint8Array(n),
  };
  const set = (x: number, y: number, code: number, ev: number, namesOnly = false): void => {
    if (cols.partner[x]! >= 0) return;
    cols.partner[x] = y;
    cols.rule[x] = code;
    cols.evidence[x] = ev;
    cols.namesOnly[x] = namesOnly ? 1 : 0;
  };
  const { clusterOf, start } = csr;
  for (const [a, b] of clustering.mustLinks) {
    const ev = scorer.evidence(a, b);
    set(a, b, 2, ev);
    set(b, a, 2, ev);
  }
  for (let e = 0; e < edges.count; e++) {
    const k = edges.pair[e]!;
    const a = pairs.left[k]!;
    const b = pairs.right[k]!;
    if (clusterOf[a] !== clusterOf[b]) continue;
    // Edge rules: 0..2 deterministic (email, phone, tax_id), 3 FS → link codes 3..6. A names-only
    // link shows the calibrated weight it was made on (clustering-run.ts), as evidence sans prior.
    const shown = clustering.weakWeights.get(k);
    const ev = shown === undefined ? evidence[k]! : shown - scorer.priorLogOdds;
    set(a, b, 3 + edges.rule[e]!, ev, shown !== undefined);
    set(b, a, 3 + edges.rule[e]!, ev, shown !== undefined);
  }
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i]!;
    cols.customer[i] = customerOf[c]!;
    if (cols.partner[i]! < 0) cols.rule[i] = start[c + 1]! - start[c]! === 1 ? 0 : 1;
  }
  return cols;
}
