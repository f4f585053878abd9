import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateClusters } from './evaluate.js';
import { loadFebrl } from '../../test/support/identity/febrl.js';
import { resolve } from './resolve.js';

const datasets = fileURLToPath(new URL('../../../shared/datasets/febrl/', import.meta.url));

/**
 * Accuracy on the public Febrl benchmark (datasets/README.md). Nothing is tuned per file: the
 * model is learned by EM on each file; dataset1 is the held-out check. Reference points on
 * dataset3: weighted rules F1 0.973, hand-tuned Splink 0.965.
 */
describe('Febrl benchmark', () => {
  it('dataset3: F1 >= 0.98 with precision >= 0.99', () => {
    const data = loadFebrl(`${datasets}dataset3.csv`);
    const result = resolve(data.records);
    const e = evaluateClusters(data.truth, result.assignment);
    expect(e.precision).toBeGreaterThanOrEqual(0.99);
    expect(e.f1).toBeGreaterThanOrEqual(0.98);
    expect(e.exactClusterShare).toBeGreaterThanOrEqual(0.95);

    // Every record is explained; the per-field weights add up to the reported weight.
    const prior = Math.log2(
      result.model.probabilityTwoRandomRecordsMatch / (1 - result.model.probabilityTwoRandomRecordsMatch),
    );
    for (const link of result.links.values()) {
      expect(link.rule).toMatch(/^(fs|none)$/); // Febrl has no email, phone or tax id
      if (link.weight === null) continue;
      const sum = link.comparisons.reduce((s, c) => s + c.weight, 0);
      expect(prior + sum).toBeCloseTo(link.weight, 6);
    }
    // Each rule reports the pairs it added; the personal id finds most of them.
    const byRule = Object.fromEntries(result.blockingStats.map((s) => [s.rule, s.pairs]));
    expect(byRule.personal_id).toBeGreaterThan(5000);
    expect(result.stats.candidatePairs).toBe(result.blockingStats.reduce((s, r) => s + r.pairs, 0));
  });

  it('dataset1 (held out): same settings, same quality', () => {
    const data = loadFebrl(`${datasets}dataset1.csv`);
    const e = evaluateClusters(data.truth, resolve(data.records).assignment);
    expect(e.precision).toBeGreaterThanOrEqual(0.99);
    expect(e.f1).toBeGreaterThanOrEqual(0.98);
  });
});
