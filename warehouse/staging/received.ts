/**
 * Staging a push source's batch (web-form submissions): one transaction, in which records marked
 * ifAbsent whose key is staged already, or repeated within the batch, are left out and counted as
 * duplicates. A sender's retry thus never rewrites the first copy (its time, its text) and is
 * counted once as a duplicate, whether it comes in the same batch or a day later.
 */
import type { ConnectorItem } from '../../connectors/contract.js';
import type { Warehouse } from '../connection.js';
import { STAGING_TABLES } from '../tables.js';
import { stageItems, type StageCounts, type StageOptions } from './stage.js';

const KEYS_PER_QUERY = 500;

export async function stageReceived(
  wh: Warehouse,
  items: readonly ConnectorItem[],
  options: Omit<StageOptions, 'trx'>,
): Promise<StageCounts> {
  const table = STAGING_TABLES[options.stream].name;
  return wh.knex.transaction(async (trx) => {
    const weak = new Set<string>();
    for (const item of items)
      if (item.kind === 'record' && item.record.stream === options.stream && item.record.ifAbsent)
        weak.add(item.record.sourceKey);
    const staged = new Set<string>();
    const keys = [...weak];
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const rows = (await trx(table)
        .where({ source: options.source })
        .whereIn('source_key', keys.slice(i, i + KEYS_PER_QUERY))
        .select('source_key')) as Array<{ source_key: string }>;
      for (const r of rows) staged.add(r.source_key);
    }
    // First copy of each key wins, in the batch as in the table; its companions go with it.
    const seen = new Set<string>();
    const kept: ConnectorItem[] = [];
    let duplicates = 0;
    for (const item of items) {
      if (item.kind === 'record' && item.record.ifAbsent) {
        const id = `${item.record.stream}\u001f${item.record.sourceKey}`;
        const main = item.record.stream === options.stream;
        if (seen.has(id) || (main && staged.has(item.record.sourceKey))) {
          if (main) duplicates++;
          continue;
        }
        seen.add(id);
      }
      kept.push(item);
    }
    // Every key left is new (checked above, in this transaction): appended, not merged.
    const checked = kept.every(
      (i) => i.kind !== 'record' || i.record.stream !== options.stream || i.record.ifAbsent,
    );
    const counts = await stageItems(wh, list(kept), { ...options, trx, keysAbsent: checked });
    return { ...counts, rows: counts.rows + duplicates, duplicates: counts.duplicates + duplicates };
  });
}

async function* list(items: readonly ConnectorItem[]): AsyncGenerator<ConnectorItem> {
  yield* items;
}
