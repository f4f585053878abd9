/**
 * Accuracy of identity resolution on every data set we have, side by side: the Febrl files
 * (clean-ish records with a date of birth and an id on most rows) and the CRM-like synthetic sets
 * (resolve-synthetic-crm.ts: most records without a date of birth, nicknames, transliteration,
 * placeholder dates, namesakes). Sets marked "tune" are the ones the resolver was tuned on; the
 * others are reported as held out. Also per set: candidate pairs per blocking rule and the share
 * of records no rule covered.
 *
 *   npm run bench -- resolve accuracy [records per CRM set, default 10000]
 * Options as JSON in RESOLVE_CONFIG (e.g. '{"matchProbability":0.9}'), as in resolve-febrl.ts.
 * SEED_OFFSET=1000 shifts every CRM set's seed: the same mixes on records nobody tuned against.
 * SKIP_FEBRL=1 leaves the Febrl files out (they do not depend on the seed).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  evaluateClusters,
  resolve,
  type ResolveInput,
  type ResolveResult,
} from '../../transforms/identity/index.js';
import { loadFebrl } from '../support/identity/febrl.js';
import { CRM_MIXES, generateCrmContacts } from './resolve-synthetic-crm.js';

interface Row {
  set: string;
  role: string;
  records: number;
  precision: number;
  recall: number;
  f1: number;
  ms: number;
  result: ResolveResult;
}

function measure(
  set: string,
  role: string,
  records: ResolveInput[],
  truth: ReadonlyMap<number, number>,
): Row {
  const t = performance.now();
  const result = resolve(records, { config: JSON.parse(process.env.RESOLVE_CONFIG ?? '{}') as object });
  const ms = performance.now() - t;
  const e = evaluateClusters(truth, result.assignment);
  return {
    set,
    role,
    records: records.length,
    precision: e.precision,
    recall: e.recall,
    f1: e.f1,
    ms,
    result,
  };
}

export function benchResolveAccuracy(crmRecords = 10_000): void {
  const rows: Row[] = [];
  const febrlDir = path.resolve(process.env.FEBRL_DIR ?? '../shared/datasets/febrl');
  const febrlNames = process.env.SKIP_FEBRL ? [] : ['dataset1', 'dataset2', 'dataset3', 'dataset4'];
  for (const name of febrlNames) {
    const file = path.join(febrlDir, `${name}.csv`);
    if (!fs.existsSync(file)) {
      console.log(`febrl ${name}: not in ${febrlDir}, skipped`);
      continue;
    }
    const data = loadFebrl(file);
    rows.push(measure(`febrl-${name}`, 'febrl', data.records, data.truth));
  }
  const offset = Number(process.env.SEED_OFFSET ?? 0);
  for (const { mix, seed: base, tune } of CRM_MIXES) {
    const seed = base + offset;
    const data = generateCrmContacts(crmRecords, seed, mix);
    rows.push(
      measure(
        `${mix.name} (seed ${seed})`,
        tune && offset === 0 ? 'tune' : 'held-out',
        data.records,
        data.truth,
      ),
    );
  }
  const f = (x: number): string => x.toFixed(4);
  console.log('set                          role      records  precision  recall  F1      uncovered  ms');
  for (const r of rows) {
    const uncovered = r.result.stats.uncoveredRecords / r.records;
    console.log(
      `${r.set.padEnd(28)} ${r.role.padEnd(9)} ${String(r.records).padStart(7)}  ${f(r.precision)}     ` +
        `${f(r.recall)}  ${f(r.f1)}  ${(uncovered * 100).toFixed(1).padStart(8)}%  ${r.ms.toFixed(0)}`,
    );
  }
  for (const r of rows) {
    const perRule = r.result.blockingStats
      .filter((s) => s.pairs > 0 || s.skippedBlocks > 0)
      .map((s) => `${s.rule}=${s.pairs}${s.skippedBlocks ? ` (${s.skippedBlocks} blocks over cap)` : ''}`);
    console.log(`  ${r.set}: pairs ${r.result.stats.candidatePairs}: ${perRule.join(', ')}`);
  }
}
