/**
 * stg_quarantine: rows a source gave that could not be staged, with the reason and the raw row.
 * An input staged whole replaces its earlier rejects; a record read again replaces its own.
 */
import type { Knex } from 'knex';
import type { RejectedRecord } from '../../connectors/contract.js';
import { storableReject } from './storable-text.js';

/** Removes the rejects an earlier import of this input left. */
export async function clearInputRejects(trx: Knex.Transaction, source: string, file: string): Promise<void> {
  await trx('stg_quarantine').where({ source, file }).delete();
}

/** Removes the rejects of records read again (each filed under its own lineage, e.g. `table#key`). */
export async function clearRecordRejects(
  trx: Knex.Transaction,
  source: string,
  files: readonly string[],
): Promise<void> {
  for (let i = 0; i < files.length; i += 500) {
    await trx('stg_quarantine')
      .where({ source })
      .whereIn('file', files.slice(i, i + 500))
      .delete();
  }
}

export async function insertRejects(
  trx: Knex.Transaction,
  source: string,
  runId: number | null,
  rejects: readonly RejectedRecord[],
  fileOf: (r: RejectedRecord) => string,
): Promise<void> {
  await trx.batchInsert(
    'stg_quarantine',
    rejects.map((given) => {
      // Made storable here, not before the rejects file saw it: that keeps the row as it was read.
      const r = storableReject(given);
      return {
        source,
        stream: r.stream,
        run_id: runId,
        file: fileOf(r),
        line: r.lineage.line,
        reason: r.reason,
        raw: r.raw,
      };
    }),
    200,
  );
}
