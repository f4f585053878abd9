/**
 * The ERP connector's incremental reading against real source databases (MariaDB, PostgreSQL,
 * SQLite), with a hand-written stream over a plain orders table: initial load, inserts and
 * updates between runs, ties on the cursor across batch boundaries, a cancelled order, and a
 * connection cut in the middle of a read.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErpSourceSchema, type ErpSourceConfig } from '../../connectors/erp/config.js';
import { openSourceDb } from '../../connectors/erp/source-db.js';
import { createLogger } from '../../lib/logger.js';
import { loadConfig } from '../../pipelines/config.js';
import { extractSource } from '../../pipelines/extract.js';
import { runPipeline } from '../../pipelines/runner.js';
import type { ExtractContext } from '../../pipelines/extract.js';
import { parseWarehouseUrl } from '../../warehouse/url.js';
import { engineTargets, freshDatabase, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { proxyDatabase, type TcpProxy } from '../support/tcp-proxy.js';
import { tempDir, writeConfig } from '../pipelines/support/fixtures.js';

const targets = await engineTargets();
const logger = createLogger({ level: 'silent' });

/** A writable connection to the source database: the ERP's own users, in the test. */
function writer(url: string): Knex {
  const u = parseWarehouseUrl(url);
  if (u.engine === 'sqlite')
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: u.file! },
      useNullAsDefault: true,
    });
  return knexFactory({
    client: u.engine === 'postgres' ? 'pg' : 'mysql2',
    connection: { host: u.host, port: u.port, user: u.user, password: u.password, database: u.database },
    pool: { min: 0, max: 2 },
  });
}

/** `modified` with microseconds, as ERPs write it: ties are exact, ms rounding would break them. */
const at = (seconds: number, micros = 123456) =>
  `2026-11-20 10:00:${String(seconds).padStart(2, '0')}.${String(micros).padStart(6, '0')}`;

/** The test's stream; lookback 0 unless given, so runs read exactly what keyset order gives. */
function ordersStream(batchSize: number, url: string, lookback = 0): ErpSourceConfig {
  return ErpSourceSchema.parse({
    name: 'shop',
    connector: 'erp',
    url,
    batchSize,
    lookback,
    streams: {
      orders: {
        stream: 'order',
        table: 'erp_orders',
        where: "status <> 'Draft'",
        key: 'id',
        cursor: 'modified',
        columns: {
          customer: 'customer_source_key',
          order_date: 'order_date',
          amount: 'amount',
          status: 'status',
          email: 'email',
        },
      },
    },
  });
}

/** Pipeline `p`: extract only, retried twice without delay, reading `streams` from `url` in batches of 2. */
function retryingPipeline(dir: string, url: string, streams: unknown) {
  return loadConfig(
    writeConfig(dir, {
      pipelines: {
        p: {
          steps: ['extract'],
          retries: 2,
          retryDelay: 0,
          sources: [{ name: 'shop', connector: 'erp', url, batchSize: 2, lookback: 0, streams }],
        },
      },
    }),
  );
}

describe.each(targets)('ERP incremental reads from $engine', (target) => {
  let source: { url: string; drop(): Promise<void> };
  let erp: Knex;
  let t: TestWarehouse;
  let runId = 0;

  beforeAll(async () => {
    if (target.unavailable) return;
    source = await freshDatabase(target);
    erp = writer(source.url);
  });
  afterAll(async () => {
    await erp?.destroy();
    await source?.drop();
  });
  beforeEach(async () => {
    if (target.unavailable) return;
    await erp.schema.dropTableIfExists('erp_orders');
    await erp.schema.createTable('erp_orders', (tb) => {
      tb.integer('id').primary();
      tb.string('customer', 140);
      tb.string('email', 140);
      tb.date('order_date');
      tb.decimal('amount', 18, 2);
      tb.string('status', 40);
      const type =
        target.engine === 'mysql' ? 'datetime(6)' : target.engine === 'postgres' ? 'timestamp(6)' : 'text';
      tb.specificType('modified', type).notNullable();
      tb.index(['modified'], 'erp_orders_modified');
    });
    // Ten orders; 3..8 share one timestamp, so batches of 4 split the tie.
    await erp('erp_orders').insert(
      Array.from({ length: 10 }, (_, i) => ({
        id: i + 1,
        customer: `CUST-${(i % 3) + 1}`,
        email: i === 4 ? 'not an email' : null,
        order_date: `2026-11-${String(i + 1).padStart(2, '0')}`,
        amount: 100 + i,
        status: i === 9 ? 'Cancelled' : 'Paid',
        modified: i >= 2 && i <= 7 ? at(5) : at(i),
      })),
    );
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  });
  afterEach(async () => {
    await t?.drop();
  });

  const extract = (src: ErpSourceConfig, options: Partial<ExtractContext> = {}) =>
    extractSource(src, {
      wh: t.wh,
      runId: ++runId,
      baseDir: '.',
      defaultRegion: 'RU',
      logger,
      ...options,
    });
  const staged = async () =>
    (await t.wh
      .knex('stg_order')
      .orderBy('source_key')
      .select('source_key', 'amount', 'status', 'warnings')) as Array<{
      source_key: string;
      amount: number;
      status: string;
      warnings: string | null;
    }>;

  /** Cuts the proxied ERP connections as the warehouse saves the n-th position; returns the undo. */
  const cutAtSave = (proxy: TcpProxy, n: number): (() => void) => {
    let saves = 0;
    const onQuery = (q: { sql: string }) => {
      if (/insert into .connector_state/i.test(q.sql) && ++saves === n) proxy.cut();
    };
    t.wh.knex.on('query', onQuery);
    return () => t.wh.knex.off('query', onQuery);
  };

  it.skipIf(target.unavailable)(
    'stages every row once across tied batches, then only what changed',
    async () => {
      const src = ordersStream(4, source.url);
      const first = await extract(src);
      expect(first.inputs).toHaveLength(1);
      expect(first.inputs[0]).toMatchObject({
        file: 'erp_orders',
        stream: 'order',
        rows: 10,
        inserted: 10,
        batches: 3,
      });
      const rows = await staged();
      expect(rows.map((r) => r.source_key).sort((a, b) => Number(a) - Number(b))).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
        '10',
      ]);
      // The cancelled order is staged with its status (the marts leave it out of revenue).
      expect(rows.find((r) => r.source_key === '10')?.status).toBe('Cancelled');
      // A bad optional value is dropped with a warning; the order is kept.
      expect(rows.find((r) => r.source_key === '5')?.warnings).toMatch(/email.*dropped/);

      const again = await extract(src);
      expect(again.inputs[0]).toMatchObject({ rows: 0, loaded: 0, batches: 0 });

      // Between runs: two updates, two inserts with the saved cursor's exact timestamp (later keys),
      // one with a new timestamp, and a draft (filtered out by the stream).
      await erp('erp_orders')
        .whereIn('id', [3, 4])
        .update({ amount: 999, modified: at(30) });
      await erp('erp_orders').insert([
        { id: 11, customer: 'CUST-1', order_date: '2026-11-21', amount: 1, status: 'Paid', modified: at(9) },
        { id: 12, customer: 'CUST-2', order_date: '2026-11-21', amount: 2, status: 'Paid', modified: at(9) },
        { id: 13, customer: 'CUST-3', order_date: '2026-11-22', amount: 3, status: 'Paid', modified: at(31) },
        {
          id: 14,
          customer: 'CUST-3',
          order_date: '2026-11-22',
          amount: 4,
          status: 'Draft',
          modified: at(32),
        },
      ]);
      const third = await extract(src);
      expect(third.inputs[0]).toMatchObject({ rows: 5, inserted: 3, updated: 2, duplicates: 0 });
      const after = await staged();
      expect(after).toHaveLength(13);
      expect(after.find((r) => r.source_key === '3')?.amount).toBe(999);
    },
  );

  it.skipIf(target.unavailable)('--full reads everything again; nothing changes', async () => {
    const src = ordersStream(3, source.url);
    await extract(src);
    const full = await extract(src, { full: true });
    expect(full.inputs[0]).toMatchObject({ rows: 10, loaded: 0, duplicates: 10 });
  });

  it.skipIf(target.unavailable)(
    'a row that cannot be staged is quarantined once, and released when fixed',
    async () => {
      await erp('erp_orders')
        .where({ id: 2 })
        .update({ amount: null, modified: at(40) });
      const src = ordersStream(4, source.url);
      const first = await extract(src);
      expect(first.inputs[0]).toMatchObject({ rows: 10, inserted: 9, quarantined: 1 });
      const q = await t.wh.knex('stg_quarantine').select('file', 'reason', 'raw');
      expect(q).toEqual([
        { file: 'erp_orders#2', reason: 'amount is empty', raw: expect.stringContaining('"id":2') },
      ]);
      await extract(src, { full: true });
      expect(await t.wh.knex('stg_quarantine').count({ n: '*' })).toEqual([{ n: 1 }]);
      await erp('erp_orders')
        .where({ id: 2 })
        .update({ amount: 5, modified: at(41) });
      const fixed = await extract(src);
      expect(fixed.inputs[0]).toMatchObject({ rows: 1, inserted: 1, quarantined: 0 });
      expect(await t.wh.knex('stg_quarantine').count({ n: '*' })).toEqual([{ n: 0 }]);
    },
  );

  it.skipIf(target.unavailable || target.engine === 'sqlite')(
    'a connection cut mid-read fails the run; the next run resumes with nothing lost or staged twice',
    async () => {
      const proxy = await proxyDatabase(source.url);
      try {
        const src = ordersStream(2, proxy.url);
        // Cut the ERP connection as the warehouse commits the second batch's position.
        const stop = cutAtSave(proxy, 2);
        await expect(extract(src)).rejects.toThrow();
        stop();
        const partial = await staged();
        expect(partial.length).toBeGreaterThanOrEqual(4);
        expect(partial.length).toBeLessThan(10);

        const resumed = await extract(src);
        expect(resumed.inputs[0]).toMatchObject({
          duplicates: 0,
          rows: 10 - partial.length,
          inserted: 10 - partial.length,
        });
        expect(await staged()).toHaveLength(10);
      } finally {
        await proxy.close();
      }
    },
  );

  it.skipIf(target.unavailable || target.engine === 'sqlite')(
    'a pipeline run retries a cut connection and completes from the saved position',
    async () => {
      const proxy = await proxyDatabase(source.url);
      const tmp = tempDir();
      try {
        const { streams } = ordersStream(2, proxy.url);
        const loaded = retryingPipeline(tmp.dir, proxy.url, streams);
        const stop = cutAtSave(proxy, 3);
        const report = await runPipeline(t.wh, loaded, 'p', logger, { signal: new AbortController().signal });
        stop();
        expect(report.status, report.error).toBe('succeeded');
        expect(report.steps[0]!.retries).toBe(1);
        expect(await staged()).toHaveLength(10);
        const [{ n }] = (await t.wh.knex('stg_order').where({ run_id: report.runId }).count({ n: '*' })) as [
          { n: number },
        ];
        expect(Number(n)).toBe(10);
      } finally {
        await proxy.close();
        tmp.remove();
      }
    },
  );

  it.skipIf(target.unavailable)(
    'a lookback window catches a row committed after later-stamped rows',
    async () => {
      await extract(ordersStream(4, source.url, 60));
      // Stamped before the saved position (10:00:09), committed only now: keyset order alone skips it.
      await erp('erp_orders').insert({
        id: 20,
        customer: 'CUST-1',
        order_date: '2026-11-21',
        amount: 7,
        status: 'Paid',
        modified: at(8, 0),
      });
      const exact = await extract(ordersStream(4, source.url, 0));
      expect(exact.inputs[0]).toMatchObject({ rows: 0 });
      const windowed = await extract(ordersStream(4, source.url, 60));
      // Everything stamped within 60 s before the position is read again: the late row is new, the rest repeats.
      expect(windowed.inputs[0]).toMatchObject({ rows: 11, inserted: 1, duplicates: 10 });
      expect((await staged()).map((r) => r.source_key)).toContain('20');
    },
  );

  it.skipIf(target.unavailable)('rows with an empty cursor are read by a first or full read', async () => {
    await erp.schema.alterTable('erp_orders', (tb) => tb.setNullable('modified'));
    await erp('erp_orders').insert({
      id: 30,
      customer: 'CUST-1',
      order_date: '2026-11-21',
      amount: 9,
      status: 'Paid',
      modified: null,
    });
    const first = await extract(ordersStream(4, source.url));
    expect(first.inputs[0]).toMatchObject({ rows: 11, inserted: 11 });
    expect((await staged()).map((r) => r.source_key)).toContain('30');
    const again = await extract(ordersStream(4, source.url));
    expect(again.inputs[0]).toMatchObject({ rows: 0 });
  });

  it.skipIf(target.unavailable || target.engine === 'sqlite')(
    'a --full run retried after a cut reads every stream in full, and reports every row once',
    async () => {
      const proxy = await proxyDatabase(source.url);
      const tmp = tempDir();
      try {
        const orders = ordersStream(2, proxy.url).streams.orders!;
        const streams = { a: orders, b: { ...orders, keyPrefix: 'b:' } };
        const loaded = retryingPipeline(tmp.dir, proxy.url, streams);
        const signal = new AbortController().signal;
        expect((await runPipeline(t.wh, loaded, 'p', logger, { signal })).status).toBe('succeeded');
        // Cut while stream a is being read in full: the retry must still read b in full.
        const stop = cutAtSave(proxy, 2);
        const report = await runPipeline(t.wh, loaded, 'p', logger, { signal, full: true });
        stop();
        expect(report.status, report.error).toBe('succeeded');
        expect(report.steps[0]!.retries).toBe(1);
        const inputs = (
          report.steps[0]!.detail as Array<{
            inputs: Array<{ name: string; rows: number; duplicates: number }>;
          }>
        )[0]!.inputs;
        expect(inputs.map((i) => [i.name, i.rows, i.duplicates])).toEqual([
          ['a', 10, 10],
          ['b', 10, 10],
        ]);
      } finally {
        await proxy.close();
        tmp.remove();
      }
    },
  );

  it.skipIf(target.unavailable || target.engine !== 'postgres')(
    'numeric keys beyond 2^53 keep every digit in the saved position',
    async () => {
      await erp.raw(
        'CREATE TABLE big_keys (id numeric(30, 0) PRIMARY KEY, name text, modified timestamp(6) NOT NULL)',
      );
      try {
        const ids = ['9007199254740993', '9007199254740994', '9007199254740995'];
        await erp('big_keys').insert(ids.map((id) => ({ id, name: `Client ${id}`, modified: at(1) })));
        const src = ErpSourceSchema.parse({
          name: 'big',
          connector: 'erp',
          url: source.url,
          batchSize: 1,
          lookback: 0,
          streams: {
            clients: {
              stream: 'contact',
              table: 'big_keys',
              key: 'id',
              cursor: 'modified',
              columns: { name: 'company' },
            },
          },
        });
        const first = await extract(src);
        expect(first.inputs[0]).toMatchObject({ rows: 3, inserted: 3 });
        expect(first.inputs[0]).toHaveProperty('to', { cursor: at(1), key: ids[2] });
        const keys = await t.wh
          .knex('stg_contact')
          .where({ source: 'big' })
          .orderBy('source_key')
          .pluck('source_key');
        expect(keys).toEqual(ids);
      } finally {
        await erp.raw('DROP TABLE big_keys');
      }
    },
  );

  it.skipIf(target.unavailable || target.engine === 'sqlite')('the connection refuses writes', async () => {
    const db = await openSourceDb(source.url, 'shop', logger);
    try {
      expect(await db.readOnly()).toBe(true);
      await expect(db.select("UPDATE erp_orders SET status = 'x' WHERE id = 1", [])).rejects.toThrow(
        /read[- ]only/i,
      );
      expect((await erp('erp_orders').where({ id: 1 }).first('status')).status).toBe('Paid');
    } finally {
      await db.close();
    }
  });

  it.skipIf(target.unavailable || target.engine !== 'sqlite')(
    'SQLite sources are opened read-only',
    async () => {
      const db = await openSourceDb(source.url, 'shop', logger);
      try {
        await expect(db.select("UPDATE erp_orders SET status = 'x' WHERE id = 1", [])).rejects.toThrow(
          /readonly/i,
        );
      } finally {
        await db.close();
      }
    },
  );
});
