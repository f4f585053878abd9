/**
 * A submission without the sender's id is keyed by its content and time window; whether a copy is
 * a retry is decided by the warehouse (the key, or the window before's key, staged), not by the
 * memory of a running receiver: it holds across a kill -9 and a window's edge. Also the staging
 * of push batches itself on every engine (PostgreSQL's one-statement path and the general one):
 * retries in one batch and across batches, a retry's contact left out with it, rejects replaced,
 * and two commits of the same keys at once staging them once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorItem } from '../../connectors/contract.js';
import { WebformSourceSchema } from '../../connectors/webform/config.js';
import { formStream } from '../../connectors/webform/connector.js';
import { contentKey } from '../../connectors/webform/dedupe.js';
import { contentHash, leadItems, type Submission } from '../../connectors/webform/lead.js';
import { warehouseSink } from '../../pipelines/receiver/start.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { STAGING_TABLES } from '../../warehouse/tables.js';
import {
  engineTargets,
  migratedWarehouse,
  type EngineTarget,
  type TestWarehouse,
} from '../support/engines.js';
import { configDir, metric, postForm, startServe } from '../support/receiver.js';

const WINDOW_MS = 10 * 60_000;
const config = WebformSourceSchema.parse({
  connector: 'webform',
  forms: [{ name: 'contact', path: '/forms/contact', preset: 'html' }],
});
const form = config.forms[0]!;

function submission(email: string | null, name = 'Иванова Анна'): Submission {
  return {
    fields: [
      { label: 'Имя', value: name },
      ...(email === null ? [] : [{ label: 'Email', value: email }]),
      { label: 'Комментарий', value: 'Перезвоните' },
    ],
    senderId: null,
    submittedAt: null,
  };
}

/** What the receiver makes of a submission arriving at `atMs` (server.ts). */
function itemsAt(sub: Submission, atMs: number): ConnectorItem[] {
  const { key, sameAs } = contentKey(contentHash(form, sub), atMs, WINDOW_MS);
  return leadItems(form, sub, key, new Date(atMs), 'RU', sameAs);
}

describe('contentKey', () => {
  it('names the window before as sameAs, so a retry across the edge finds the first key', () => {
    const edge = 1_800_000_000_000 - (1_800_000_000_000 % WINDOW_MS);
    const first = contentKey('abc', edge - 1_000, WINDOW_MS);
    const retry = contentKey('abc', edge + 1_000, WINDOW_MS);
    expect(retry.key).not.toBe(first.key);
    expect(retry.sameAs).toEqual([first.key]);
    expect(contentKey('abc', edge + 1_000 + WINDOW_MS, WINDOW_MS).sameAs).not.toContain(first.key);
    expect(contentKey('abc', edge, 0).sameAs).toEqual([]);
  });
});

describe.each(await engineTargets())('staging a push batch on $engine', (target: EngineTarget) => {
  let db: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    db = await migratedWarehouse(target);
  });
  afterAll(async () => {
    await db?.wh.close();
    await db?.drop().catch(() => undefined);
  });
  const stage = (items: ConnectorItem[]) => warehouseSink(db.wh).stage(formStream(config, 'contact'), items);
  const count = async (table: string) =>
    Number((await db.wh.knex(table).where({ source: 'contact' }).count({ n: '*' }))[0]!.n);

  it.skipIf(target.unavailable !== null)(
    'counts a retry across a window edge as a duplicate, in later batches and in one',
    async () => {
      const edge = Date.now() - (Date.now() % WINDOW_MS) - 5 * WINDOW_MS;
      const sub = submission('anna@example.ru');
      const first = await stage(itemsAt(sub, edge - 1_000));
      expect([first.loaded, first.duplicates]).toEqual([1, 0]);
      // 2 s later, past the edge: another key, the first one's as sameAs.
      const retry = await stage(itemsAt(sub, edge + 1_000));
      expect([retry.loaded, retry.duplicates]).toEqual([0, 1]);
      expect([await count('stg_interaction'), await count('stg_contact')]).toEqual([1, 1]);
      // Two windows and more later: a new lead.
      const later = await stage(itemsAt(sub, edge + 2 * WINDOW_MS + 1_000));
      expect([later.loaded, later.duplicates]).toEqual([1, 0]);

      // Both copies in one batch, across an edge: the first wins, the second goes with its contact.
      const other = submission('oleg@example.ru', 'Попов Олег');
      const both = await stage([
        ...itemsAt(other, edge - 500),
        ...itemsAt(other, edge + 500),
        ...itemsAt(submission('maria@example.ru', 'Кузнецова Мария'), edge + 500),
      ]);
      expect([both.loaded, both.duplicates, both.rows]).toEqual([2, 1, 3]);
      expect([await count('stg_interaction'), await count('stg_contact')]).toEqual([4, 4]);
      const keys = (await db.wh
        .knex('stg_interaction')
        .where({ source: 'contact', email: 'oleg@example.ru' })
        .pluck('source_key')) as string[];
      expect(keys).toEqual([contentKey(contentHash(form, other), edge - 500, WINDOW_MS).key]);
    },
  );

  it.skipIf(target.unavailable !== null)(
    'quarantines a submission with nobody to reach, replaces its reject when sent again, removes it once staged',
    async () => {
      const at = Date.now();
      const nobody = submission(null, 'Аноним');
      const items = itemsAt(nobody, at);
      expect(items.map((i) => i.kind)).toEqual(['reject']);
      const file = (items[0] as Extract<ConnectorItem, { kind: 'reject' }>).reject.lineage.file!;
      expect((await stage(items)).quarantined).toBe(1);
      expect((await stage(items)).quarantined).toBe(1);
      const rejects = () => db.wh.knex('stg_quarantine').where({ source: 'contact', file }).pluck('reason');
      expect(await rejects()).toHaveLength(1);
      // The same key now with an e-mail (a sender's id keeps the key; here the key is forced).
      const [reject] = items as Array<Extract<ConnectorItem, { kind: 'reject' }>>;
      const key = reject!.reject.lineage.file!.slice('/forms/contact#'.length);
      const fixed = leadItems(form, submission('anon@example.ru', 'Аноним'), key, new Date(at), 'RU');
      expect((await stage(fixed)).loaded).toBe(1);
      expect(await rejects()).toHaveLength(0);
    },
  );

  it.skipIf(target.unavailable !== null || target.engine !== 'postgres')(
    'stages the very rows the general path stages on the one-statement path (appendAbsent)',
    async () => {
      const at = Date.now();
      const lead = (fields: Array<[string, string]>, id: string) =>
        leadItems(
          form,
          { fields: fields.map(([label, value]) => ({ label, value })), senderId: id, submittedAt: null },
          `same:${id}`,
          new Date(at),
          'RU',
        );
      const batch = [
        // Mostly nulls: no page, no UTM, no company.
        ...lead([['Email', 'plain@example.ru']], '1'),
        // Every kind of column: names split, phone with an extension, attributes, a message with
        // quotes, a backslash, a line break and an emoji, UTM tags from the page's address.
        ...lead(
          [
            ['Имя', 'Иванова Анна Сергеевна'],
            ['Телефон', '+7 (912) 345-67-89 доб. 12'],
            ['Email', 'Anna@Example.RU'],
            ['Компания', 'ООО «Ромашка»'],
            ['Комментарий', 'Скажите "да"\\нет\nвторая строка 😀'],
            ['page', 'https://example.ru/landing?utm_source=ya&utm_campaign=spring'],
            ['Город', 'Казань'],
            ['Размер', 'XL "большой"'],
          ],
          '2',
        ),
        // A warning (a phone that is no number) beside an e-mail that reaches the person.
        ...lead(
          [
            ['Phone', '12'],
            ['Email', 'warned@example.ru'],
          ],
          '3',
        ),
        // Nobody to reach: a reject.
        ...lead([['Имя', 'Аноним']], '4'),
      ];
      const general = {
        ...db.wh,
        adapter: Object.create(db.wh.adapter, { appendAbsent: { value: undefined } }) as typeof db.wh.adapter,
      };
      const stream = { ...formStream(config, 'contact'), name: 'same' };
      // The batch staged one way, what it left in the tables read, and then taken out again.
      const tables = [STAGING_TABLES.interaction, STAGING_TABLES.contact];
      const stagedBy = async (wh: typeof db.wh) => {
        const counts = await warehouseSink(wh).stage(stream, batch);
        const rows = await Promise.all(
          tables.map((spec) =>
            db.wh
              .knex(spec.name)
              .where({ source: 'same' })
              .orderBy('source_key')
              .select(spec.columns.map((c) => c.name)),
          ),
        );
        const rejects = await db.wh
          .knex('stg_quarantine')
          .where({ source: 'same' })
          .select('stream', 'run_id', 'file', 'line', 'reason', 'raw');
        for (const table of [...tables.map((t) => t.name), 'stg_quarantine'])
          await db.wh.knex(table).where({ source: 'same' }).delete();
        return { counts, rows, rejects };
      };
      const one = await stagedBy(db.wh);
      const two = await stagedBy(general);
      // What the receiver counts (its metrics). The counts of the companions (the contacts),
      // which nothing reads, differ: only the general path counts their warnings.
      const counted = (c: typeof one.counts) => [c.rows, c.loaded, c.skipped, c.quarantined, c.duplicates];
      expect(counted(one.counts)).toEqual(counted(two.counts));
      expect([one.counts.loaded, one.counts.quarantined, one.counts.duplicates]).toEqual([3, 1, 0]);
      expect(one.rows.map((r) => r.length)).toEqual([3, 3]);
      expect(one.rows).toEqual(two.rows);
      expect(one.rejects).toHaveLength(1);
      expect(one.rejects).toEqual(two.rejects);
    },
  );

  it.skipIf(target.unavailable !== null)(
    'stages keys committed twice at once exactly once (several commits in flight)',
    async () => {
      const subs = Array.from({ length: 40 }, (_, i) =>
        submission(`burst${i}@example.ru`, `Соколова Дарья ${i}`),
      );
      const at = Date.now();
      const batch = subs.flatMap((s) => itemsAt(s, at));
      const before = await count('stg_interaction');
      // SQLite has one writer (the sink's concurrency is 1): the two commits take turns there.
      const results = await Promise.all([stage(batch), stage([...batch].reverse())]);
      expect(results.reduce((n, r) => n + r.loaded, 0)).toBe(40);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(40);
      expect((await count('stg_interaction')) - before).toBe(40);
      const contacts = Number(
        (
          await db.wh
            .knex('stg_contact')
            .where({ source: 'contact' })
            .where('email', 'like', 'burst%')
            .count({ n: '*' })
        )[0]!.n,
      );
      expect(contacts).toBe(40);
    },
  );
});

describe('a retry without an id after a kill -9, across a window edge', () => {
  let db: TestWarehouse;
  beforeAll(async () => {
    db = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
    await db.wh.close();
  });
  afterAll(async () => {
    await db?.drop().catch(() => undefined);
  });

  it('is one lead, counted as a duplicate by the restarted receiver', async () => {
    // A 30-second window: the first copy 10 s before an edge, a kill -9 and restart, the retry after it.
    const windowMs = 30_000;
    const d = configDir(`
receiver:
  port: 0
  dedupeWindowMinutes: 0.5
  forms:
    - { name: contact, path: /forms/contact, preset: html }
`);
    try {
      const fields = { Имя: 'Морозов Сергей', Email: 'sergey@example.ru', Комментарий: 'Счёт, пожалуйста' };
      let s = await startServe(d.file, db.url);
      const into = Date.now() % windowMs;
      const wait = into <= windowMs - 10_000 ? windowMs - 10_000 - into : 2 * windowMs - 10_000 - into;
      await new Promise((r) => setTimeout(r, wait));
      const firstAt = Date.now();
      expect((await postForm(`${s.url}/forms/contact`, fields)).status).toBe(200);
      await s.kill9();
      s = await startServe(d.file, db.url);
      try {
        const edge = firstAt - (firstAt % windowMs) + windowMs;
        if (Date.now() < edge) await new Promise((r) => setTimeout(r, edge - Date.now() + 100));
        expect(Date.now() - firstAt).toBeLessThan(windowMs);
        expect((await postForm(`${s.url}/forms/contact`, fields)).status).toBe(200);
        const metrics = await (await fetch(`${s.url}/metrics`)).text();
        expect(metric(metrics, 'webform_staged_total{form="contact",result="duplicate"}')).toBe(1);
      } finally {
        await s.stop();
      }
      const wh = await openWarehouse(db.url);
      try {
        expect(
          Number((await wh.knex('stg_interaction').where({ source: 'contact' }).count({ n: '*' }))[0]!.n),
        ).toBe(1);
      } finally {
        await wh.close();
      }
    } finally {
      d.remove();
    }
  }, 90_000);
});
