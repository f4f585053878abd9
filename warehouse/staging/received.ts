/**
 * Staging a push source's batch (web-form submissions): one transaction, in which records marked
 * ifAbsent whose key is staged already, or repeated within the batch, are left out and counted as
 * duplicates. A sender's retry thus never rewrites the first copy (its time, its text) and is
 * counted once as a duplicate, whether it comes in the same batch or a day later.
 *
 * A staged submission may have been quarantined before under the same key (sent first without an
 * e-mail or phone, then again with one). Its reject is filed under `rejectFileOf(key)`; looking
 * for such rejects rides on the query that looks for staged keys (one round trip either way), and
 * the DELETE runs only when some were found: a batch of new leads pays nothing more.
 */
import type { ConnectorItem } from '../../connectors/contract.js';
import type { Warehouse } from '../connection.js';
import { STAGING_TABLES } from '../tables.js';
import { clearRecordRejects } from './quarantine.js';
import { stageItems, type StageCounts, type StageOptions } from './stage.js';

const KEYS_PER_QUERY = 500;

export interface ReceivedOptions extends Omit<StageOptions, 'trx'> {
  /** Where the source files a reject of the record keyed `key` (stg_quarantine.file). */
  rejectFileOf?: (key: string) => string;
}

export async function stageReceived(
  wh: Warehouse,
  items: readonly ConnectorItem[],
  options: ReceivedOptions,
): Promise<StageCounts> {
  const { rejectFileOf, ...stageOptions } = options;
  const table = STAGING_TABLES[options.stream].name;
  return wh.knex.transaction(async (trx) => {
    const weak = new Set<string>();
    for (const item of items)
      if (item.kind === 'record' && item.record.stream === options.stream && item.record.ifAbsent)
        weak.add(item.record.sourceKey);
    const staged = new Set<string>();
    const rejected = new Set<string>();
    const keys = [...weak];
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY);
      const query = trx(table)
        .where({ source: options.source })
        .whereIn('source_key', chunk)
        .select({ k: 'source_key' }, trx.raw("'s' as t"));
      if (rejectFileOf)
        void query.unionAll((q) =>
          q
            .from('stg_quarantine')
            .where({ source: options.source })
            .whereIn('file', chunk.map(rejectFileOf))
            .select({ k: 'file' }, trx.raw("'q' as t")),
        );
      for (const r of (await query) as Array<{ k: string; t: string }>)
        (r.t === 's' ? staged : rejected).add(r.k);
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
    if (rejectFileOf && rejected.size > 0) {
      const now = kept.flatMap((i) =>
        i.kind === 'record' && i.record.stream === options.stream ? [rejectFileOf(i.record.sourceKey)] : [],
      );
      const clear = now.filter((f) => rejected.has(f));
      if (clear.length > 0) await clearRecordRejects(trx, options.source, clear);
    }
    const counts = await stageItems(wh, list(kept), { ...stageOptions, trx, keysAbsent: checked });
    return { ...counts, rows: counts.rows + duplicates, duplicates: counts.duplicates + duplicates };
  });
}

async function* list(items: readonly ConnectorItem[]): AsyncGenerator<ConnectorItem> {
  yield* items;
}
