import type { Knex } from 'knex';

/**
 * Memory for one heavy statement of the marts build (adapter.runBulk), as PostgreSQL gets
 * work_mem: at the server's defaults (sort_buffer_size 2 MB, tmp_table_size 16 MB) a window or a
 * GROUP BY over millions of orders sorts in many merge passes through files and spills its
 * temporary table to disk (a VARCHAR(255) key takes its full 1,020 bytes in an in-memory
 * temporary table). Set for the session around the statement and put back after it: pooled
 * connections are reused by other work.
 */
const BULK_SETTINGS: Readonly<Record<string, number>> = Object.freeze({
  sort_buffer_size: 256 * 2 ** 20,
  tmp_table_size: 256 * 2 ** 20,
  max_heap_table_size: 256 * 2 ** 20,
});

/** Returns the rows the statement wrote (affectedRows). */
export async function runBulk(knex: Knex, sql: string): Promise<number> {
  const names = Object.keys(BULK_SETTINGS);
  // A transaction only to hold one connection for the three statements; DDL commits it itself.
  return knex.transaction(async (trx) => {
    await trx.raw(`SET ${names.map((n) => `SESSION ${n} = ${BULK_SETTINGS[n]}`).join(', ')}`);
    try {
      const [header] = (await trx.raw(sql)) as [{ affectedRows?: number } | undefined];
      return Number(header?.affectedRows ?? 0);
    } finally {
      await trx.raw(`SET ${names.map((n) => `SESSION ${n} = DEFAULT`).join(', ')}`);
    }
  });
}
