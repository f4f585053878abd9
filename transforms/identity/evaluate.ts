/**
 * Accuracy of a resolution against known truth, the way record-linkage papers report it:
 * pairwise precision / recall / F1 over all record pairs placed in one customer, plus the
 * share of true clusters reproduced exactly (same records, nothing more, nothing less).
 */
export interface Evaluation {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  trueClusters: number;
  exactClusters: number;
  /** exactClusters / trueClusters. */
  exactClusterShare: number;
}

const pairsIn = (k: number): number => (k * (k - 1)) / 2;

/**
 * @param truth     record id -> true entity key
 * @param predicted record id -> customer id (records missing here count as singletons)
 */
export function evaluateClusters(
  truth: ReadonlyMap<number, string | number>,
  predicted: ReadonlyMap<number, number>,
): Evaluation {
  const trueSize = new Map<string | number, number>();
  const predSize = new Map<number | string, number>();
  const joint = new Map<string, number>();
  for (const [id, t] of truth) {
    const p = predicted.get(id) ?? `single:${id}`;
    trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
    const key = `${t}\u0000${p}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  let truePairs = 0;
  for (const k of trueSize.values()) truePairs += pairsIn(k);
  let predictedPairs = 0;
  for (const k of predSize.values()) predictedPairs += pairsIn(k);
  let correctPairs = 0;
  let exactClusters = 0;
  for (const [key, k] of joint) {
    correctPairs += pairsIn(k);
    const sep = key.indexOf('\u0000');
    const t = key.slice(0, sep);
    const p = key.slice(sep + 1);
    // Exact: the overlap is the whole true cluster and the whole predicted cluster.
    if (k === sizeOf(trueSize, t) && k === sizeOf(predSize, p)) exactClusters++;
  }
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    precision,
    recall,
    f1,
    truePairs,
    predictedPairs,
    correctPairs,
    trueClusters: trueSize.size,
    exactClusters,
    exactClusterShare: trueSize.size === 0 ? 1 : exactClusters / trueSize.size,
  };
}

/** Map keys went through a string; find the size under the original (number or string) key. */
function sizeOf(sizes: Map<string | number, number>, key: string): number {
  return sizes.get(key) ?? sizes.get(Number(key)) ?? 0;
}
