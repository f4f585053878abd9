/**
 * Test-only loader of the CDNOW benchmark (../shared/datasets/cdnow, see its README): the raw
 * purchases and the published per-customer summary. No production code uses it, so it is not built.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CustomerSummary, Transaction } from '../../../transforms/clv/summary.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CDNOW_DIR = path.resolve(repoRoot, '../shared/datasets/cdnow');
export const CDNOW_CALIBRATION_END = '1997-09-30';

/** `cdnow_customers_summary_with_transactions.csv`: ID, x, t_x, T (weeks, 2 decimals), zbar (cents). */
export function readCdnowSummary(): CustomerSummary[] {
  const text = readFileSync(path.join(CDNOW_DIR, 'cdnow_customers_summary_with_transactions.csv'), 'utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const [id, x, tx, T, zbar] = line.split(',');
      return {
        customerId: String(Number(id)),
        x: Number(x),
        tx: Number(tx),
        T: Number(T),
        monetary: Number(zbar),
      };
    });
}

/** `CDNOW_sample.txt`: `master_id sample_id date(YYYYMMDD) cds dollars`; the summary's ID is sample_id. */
export function readCdnowTransactions(): Transaction[] {
  const text = readFileSync(path.join(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, sampleId, ymd = '', , dollars] = line.trim().split(/\s+/);
      const date = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
      return { customerId: String(Number(sampleId)), date, amount: Number(dollars) };
    });
}
