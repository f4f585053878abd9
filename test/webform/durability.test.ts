/**
 * Nothing lost, nothing doubled: a receiver killed with -9 right after its 2xx answers keeps every
 * acknowledged lead (SQLite and PostgreSQL); with PostgreSQL out of reach (a TCP proxy taken
 * down), submissions are answered 2xx from the fsynced spool, survive a kill -9 there too, and are
 * drained once the server is back, each exactly once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { engineTargets, migratedWarehouse, type EngineTarget } from '../support/engines.js';
import { configDir, metric, postForm, startServe } from '../support/receiver.js';
import { proxyDatabase } from '../support/tcp-proxy.js';
import { siteConfig, warehouseForServe } from './serve-setup.js';

const targets = (await engineTargets()).filter((t) => t.engine !== 'mysql');

const config = (extra = ''): string => siteConfig(`  commitTimeout: 1000\n${extra}`);

const lead = (i: number) => ({
  Name: `Тестова Анна ${i}`,
  Phone: `+7 912 000-${String(i).padStart(4, '0').slice(0, 2)}-${String(i).padStart(4, '0').slice(2)}`,
  Email: `lead${i}@example.ru`,
  tranid: `t:${i}`,
});

async function countLeads(url: string): Promise<{ leads: number; contacts: number; keys: number }> {
  const wh = await openWarehouse(url);
  try {
    const leads = Number(
      (await wh.knex('stg_interaction').where({ source: 'site' }).count({ n: '*' }))[0]!.n,
    );
    const contacts = Number((await wh.knex('stg_contact').where({ source: 'site' }).count({ n: '*' }))[0]!.n);
    const keys = Number(
      (await wh.knex('stg_interaction').where({ source: 'site' }).countDistinct({ n: 'source_key' }))[0]!.n,
    );
    return { leads, contacts, keys };
  } finally {
    await wh.close();
  }
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(targets)('kill -9 after the 2xx on $engine', (target: EngineTarget) => {
  const db = warehouseForServe(target);

  it.skipIf(target.unavailable !== null)('every acknowledged lead is there after a restart', async () => {
    const d = configDir(config());
    try {
      const s = await startServe(d.file, db.url);
      const N = 60;
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) => postForm(`${s.url}/forms/site`, lead(i))),
      );
      // Killed the moment the last answer is in: nothing had a chance to finish later.
      await s.kill9();
      expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
      const again = await startServe(d.file, db.url);
      try {
        expect(await countLeads(db.url)).toEqual({ leads: N, contacts: N, keys: N });
        // The senders retry what they are unsure of: still one lead each.
        for (let i = 0; i < 5; i++)
          expect((await postForm(`${again.url}/forms/site`, lead(i))).status).toBe(200);
        expect(await countLeads(db.url)).toEqual({ leads: N, contacts: N, keys: N });
      } finally {
        expect(await again.stop()).toBe(0);
      }
    } finally {
      d.remove();
    }
  });
});

const pg = targets.find((t) => t.engine === 'postgres')!;

describe('PostgreSQL out of reach', () => {
  it.skipIf(pg.unavailable !== null)(
    'answers 2xx from the spool, keeps it across kill -9, drains it once the server is back',
    async () => {
      const db = await migratedWarehouse(pg);
      await db.wh.close();
      const proxy = await proxyDatabase(db.url);
      const d = configDir(config('  spool: spool'));
      const spoolDir = path.join(d.dir, 'spool');
      try {
        let s = await startServe(d.file, proxy.url);
        for (let i = 0; i < 5; i++) expect((await postForm(`${s.url}/forms/site`, lead(i))).status).toBe(200);

        await proxy.down();
        const started = Date.now();
        const during = await Promise.all(
          Array.from({ length: 20 }, (_, i) => postForm(`${s.url}/forms/site`, lead(100 + i))),
        );
        expect(during.map((a) => a.status)).toEqual(Array(20).fill(200));
        expect(Date.now() - started).toBeLessThan(10_000);
        // A retry of a spooled one, and of one stored before the outage.
        expect((await postForm(`${s.url}/forms/site`, lead(100))).status).toBe(200);
        expect((await postForm(`${s.url}/forms/site`, lead(0))).status).toBe(200);
        // Three more one after the other: each its own segment, drained in the order they came.
        for (const i of [200, 201, 202])
          expect((await postForm(`${s.url}/forms/site`, lead(i))).status).toBe(200);
        const m = await (await fetch(`${s.url}/metrics`)).text();
        expect(metric(m, 'webform_requests_total{form="site",outcome="spooled"}')).toBe(25);
        expect(metric(m, 'webform_spool_submissions')).toBe(25);
        expect(
          fs.readdirSync(spoolDir).filter((f) => f.endsWith('.json') && f !== 'warehouse.json').length,
        ).toBeGreaterThan(0);
        // Still taking leads, durably: degraded, not down (a load balancer keeps sending them here).
        const degraded = await fetch(`${s.url}/healthz`);
        expect(degraded.status).toBe(200);
        expect(await degraded.json()).toMatchObject({
          status: 'degraded',
          ok: true,
          warehouse: 'unreachable',
          spool: { submissions: 25 },
        });

        // Killed with the spool full and the warehouse still away: the spool is on disk.
        await s.kill9();
        await proxy.up();
        s = await startServe(d.file, proxy.url);
        try {
          await waitFor(
            async () =>
              ((await (await fetch(`${s.url}/healthz`)).json()) as { spooled: number }).spooled === 0,
            30_000,
            'the spool to drain',
          );
          expect(fs.readdirSync(spoolDir).filter((f) => f.endsWith('.json'))).toEqual(['warehouse.json']);
          expect(await countLeads(db.url)).toEqual({ leads: 28, contacts: 28, keys: 28 });
          const wh = await openWarehouse(db.url);
          try {
            const drained = (await wh
              .knex('stg_interaction')
              .whereIn('source_key', ['tilda:t:200', 'tilda:t:201', 'tilda:t:202'])
              .orderBy(['loaded_at', 'source_key'])
              .pluck('source_key')) as string[];
            expect(drained).toEqual(['tilda:t:200', 'tilda:t:201', 'tilda:t:202']);
          } finally {
            await wh.close();
          }
          expect(await (await fetch(`${s.url}/healthz`)).json()).toMatchObject({
            status: 'ok',
            warehouse: 'reachable',
            spool: { segments: 0, submissions: 0 },
          });
          const m2 = await (await fetch(`${s.url}/metrics`)).text();
          expect(metric(m2, 'webform_staged_total{form="site",result="loaded"}')).toBe(23);
          expect(metric(m2, 'webform_staged_total{form="site",result="duplicate"}')).toBe(2);
        } finally {
          expect(await s.stop()).toBe(0);
        }
      } finally {
        await proxy.close();
        await db.drop();
        d.remove();
      }
    },
    120_000,
  );
});

describe('a spool written for another warehouse', () => {
  it.skipIf(pg.unavailable !== null)(
    'is neither drained into nor added to by a start on another warehouse, and is said so in /healthz',
    async () => {
      const db = await migratedWarehouse(pg);
      await db.wh.close();
      const proxy = await proxyDatabase(db.url);
      const d = configDir(config('  spool: spool'));
      const spoolDir = path.join(d.dir, 'spool');
      const other = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: '' });
      await other.wh.close();
      const otherUrl = other.url;
      const segments = () =>
        fs
          .readdirSync(spoolDir)
          .filter((f) => f.endsWith('.json') && f !== 'warehouse.json')
          .sort();
      try {
        let s = await startServe(d.file, proxy.url);
        await proxy.down();
        for (let i = 0; i < 3; i++) expect((await postForm(`${s.url}/forms/site`, lead(i))).status).toBe(200);
        await s.kill9();
        const before = segments().map((f) => fs.readFileSync(path.join(spoolDir, f), 'utf8'));
        expect(before.length).toBeGreaterThan(0);

        // Started on another warehouse (SQLite), the spool stays as it is.
        s = await startServe(d.file, otherUrl);
        try {
          const health = (await (await fetch(`${s.url}/healthz`)).json()) as {
            status: string;
            spooled: number;
            spool_held?: { segments: number; submissions: number; warehouse: string; warning: string };
          };
          expect(health.status).toBe('degraded');
          expect(health.spooled).toBe(0);
          expect(health.spool_held?.submissions).toBe(3);
          expect(health.spool_held?.segments).toBe(before.length);
          expect(health.spool_held?.warehouse).toBe(proxy.url.replace(/:[^:@/]*@/, ':***@'));
          const warning = s
            .logs()
            .split('\n')
            .find((l) => l.includes('another warehouse'));
          expect(warning).toContain(path.join(spoolDir, 'warehouse.json'));
          expect(warning).toContain('--db');
          // New submissions go to this warehouse, not into the held spool.
          expect((await postForm(`${s.url}/forms/site`, lead(50))).status).toBe(200);
          await new Promise((r) => setTimeout(r, 1500));
          const wh = await openWarehouse(otherUrl);
          try {
            const keys = (await wh.knex('stg_interaction').pluck('source_key')) as string[];
            expect(keys).toEqual(['tilda:t:50']);
          } finally {
            await wh.close();
          }
        } finally {
          expect(await s.stop()).toBe(0);
        }
        expect(segments().map((f) => fs.readFileSync(path.join(spoolDir, f), 'utf8'))).toEqual(before);

        // Held, and this start's own warehouse out of reach: nowhere to keep a lead. Submissions
        // get 503 (the sender retries) and /healthz says failing with 503.
        const proxy2 = await proxyDatabase(db.url);
        try {
          s = await startServe(d.file, proxy2.url);
          try {
            await proxy2.down();
            const refused = await postForm(`${s.url}/forms/site`, lead(60));
            expect(refused.status).toBe(503);
            const failing = await fetch(`${s.url}/healthz`);
            expect(failing.status).toBe(503);
            expect(await failing.json()).toMatchObject({
              status: 'failing',
              ok: false,
              warehouse: 'unreachable',
            });
          } finally {
            expect(await s.stop()).toBe(0);
          }
        } finally {
          await proxy2.close();
        }
        expect(segments().map((f) => fs.readFileSync(path.join(spoolDir, f), 'utf8'))).toEqual(before);

        // Back on its own warehouse, it drains.
        await proxy.up();
        s = await startServe(d.file, proxy.url);
        try {
          await waitFor(
            async () =>
              ((await (await fetch(`${s.url}/healthz`)).json()) as { spooled: number }).spooled === 0,
            30_000,
            'the spool to drain',
          );
          expect(segments()).toEqual([]);
          expect((await countLeads(db.url)).leads).toBe(3);
        } finally {
          expect(await s.stop()).toBe(0);
        }
      } finally {
        await proxy.close();
        await db.drop();
        await other.drop();
        d.remove();
      }
    },
    120_000,
  );
});
