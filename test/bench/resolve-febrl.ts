/**
 * Accuracy and timing of identity resolution on the Febrl benchmark files.
 * Build and run from the project root:
 *   npx tsc -p tsconfig.bench.json --outDir /tmp/idbuild && node /tmp/idbuild/test/bench/resolve-febrl.js
 * Options as JSON in RESOLVE_CONFIG (e.g. '{"matchProbability":0.9}'); RESOLVE_MODEL=1 prints m/u.
 */
import path from 'node:path';
import { evaluateClusters, resolve } from '../../transforms/identity/index.js';
import { loadFebrl } from '../support/identity/febrl.js';

// Run from the project root: the datasets live in ../shared/datasets (see datasets/README.md).
const datasets = path.resolve(process.env.FEBRL_DIR ?? '../shared/datasets/febrl');

for (const name of ['dataset3', 'dataset1']) {
  const data = loadFebrl(path.join(datasets, `${name}.csv`));
  const started = performance.now();
  const result = resolve(data.records, { config: JSON.parse(process.env.RESOLVE_CONFIG ?? '{}') });
  const ms = performance.now() - started;
  const e = evaluateClusters(data.truth, result.assignment);
  console.log(
    `${name}: ${data.records.length} records, ${ms.toFixed(0)} ms — precision ${e.precision.toFixed(4)}, ` +
      `recall ${e.recall.toFixed(4)}, F1 ${e.f1.toFixed(4)}, exact clusters ${e.exactClusters}/${e.trueClusters} ` +
      `(${(e.exactClusterShare * 100).toFixed(1)}%), predicted pairs ${e.predictedPairs}, true pairs ${e.truePairs}`,
  );
  console.log(`  stats ${JSON.stringify(result.stats)} timings ${JSON.stringify(result.timings)}`);
  console.log(
    `  prior ${result.model.probabilityTwoRandomRecordsMatch.toExponential(3)} em ${JSON.stringify(result.model.em)}`,
  );
  console.log(`  blocking ${result.blockingStats.map((s) => `${s.rule}=${s.pairs}`).join(', ')}`);
  if (process.env.RESOLVE_MODEL) {
    for (const f of result.model.fields) {
      const levels = f.levels.map(
        (l) => `${l.label} ${Math.log2(l.m / l.u).toFixed(1)} (m ${l.m.toFixed(3)})`,
      );
      console.log(`  ${f.name}: ${levels.join(' | ')}`);
    }
  }
}
