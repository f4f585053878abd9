import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { AS_OF, SCOREBOARD } from './fixture.js';
import { seedSmallCompany } from './seed-small-company.js';
import { martFingerprint } from './read-rows.js';

const targets = await engineTargets();

async function addOrder(wh: Warehouse, key: string, amount: number): Promise<void> {
  await wh.knex('stg_order').insert({
    source: 'shop',
    source_key: key,
    customer_source_key: `S-${key}`,
    order_date: '2024-06-20',
    amount,
    cost: 1,
    channel: 'web',
    status: 'paid',
  });
}

/** A reader on its own connection (its own pool) sees the old marts or the new ones, never a mix. */
describe.each(targets)('atomic rebuild on $engine', (target) => {
  let t: TestWarehouse;
  let reader: Warehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    reader = await openWarehouse(t.url);
    await seedSmallCompany(t.wh);
    await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD });
  });
  afterAll(async () => {
    await reader?.close();
    await t?.drop();
  });

  it.skipIf(target.unavailable)(
    'keeps the old marts visible until the swap commits, then all new ones',
    async () => {
      const before = await martFingerprint(reader);
      await addOrder(t.wh, 'n1', 500);
      const seen: Array<{ phase: string; step: string; fingerprint: string }> = [];
      const duringSwap: Array<Promise<{ step: string; fingerprint: string }>> = [];
      const result = await buildMarts(t.wh, {
        asOf: AS_OF,
        scoreboard: SCOREBOARD,
        full: true,
        onProgress: async ({ phase, step }) => {
          if (phase === 'swap') {
            // Inside the swap transaction, after each table is swapped. PostgreSQL swaps by
            // renaming: its reader waits for the commit, so the swap must not wait for the reader.
            duringSwap.push(martFingerprint(reader).then((fingerprint) => ({ step, fingerprint })));
            return;
          }
          seen.push({ phase, step, fingerprint: await martFingerprint(reader) });
        },
      });
      const after = await martFingerprint(reader);
      expect(after).not.toBe(before);
      const swapReads = await Promise.all(duringSwap);
      expect(swapReads.map((s) => s.step)).toContain('mart_scoreboard');
      // Read while the swap was under way: all old marts or all new ones, never a mix.
      for (const s of swapReads) expect([before, after], `swap ${s.step}`).toContain(s.fingerprint);
      for (const s of seen.filter((e) => e.phase !== 'commit'))
        expect(s.fingerprint, `${s.phase} ${s.step}`).toBe(before);
      expect(seen.at(-1)).toMatchObject({ phase: 'commit', fingerprint: after });
      // Renamed into place where the engine's DDL is transactional; no fallback to copying.
      expect(result.notes.filter((n) => n.startsWith('Swap:'))).toEqual([]);
    },
  );

  it.skipIf(target.unavailable)(
    'never shows an empty or half-built mart to a reader polling during a rebuild or a refresh',
    async () => {
      // A full rebuild swaps tables in; a refresh deletes and inserts rows in one transaction.
      for (const [i, full] of [true, false].entries()) {
        const old = await martFingerprint(reader);
        await addOrder(t.wh, `n${i + 2}`, 700 + i);
        const observed = new Set<string>();
        let done = false;
        const poll = (async () => {
          while (!done) {
            observed.add(await martFingerprint(reader));
            await new Promise((r) => setTimeout(r, 1));
          }
        })();
        try {
          const result = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full });
          expect(result.mode).toBe(full ? 'full' : 'incremental');
        } finally {
          done = true;
          await poll;
        }
        const fresh = await martFingerprint(reader);
        expect(fresh).not.toBe(old);
        expect(observed.size).toBeGreaterThan(0);
        for (const o of observed) expect([old, fresh], full ? 'full' : 'incremental').toContain(o);
      }
    },
  );

  it.skipIf(target.unavailable)('refuses a second build while one is running', async () => {
    const lock = await t.wh.adapter.tryLock(t.wh.knex, 'crm-etl:marts');
    try {
      await expect(buildMarts(t.wh, { asOf: AS_OF })).rejects.toThrow(/being rebuilt by another run/);
    } finally {
      await lock?.release();
    }
  });
});
