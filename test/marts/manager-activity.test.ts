import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScoreboardHtml } from '../../pipelines/report/index.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { readScoreboardReport } from '../../warehouse/marts/report-data.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { SCOREBOARD } from './fixture.js';
import { tableRows } from './read-rows.js';
import { seedSmallCompany } from './seed-small-company.js';

const targets = await engineTargets();

type Letter = [
  key: string,
  customer: string,
  direction: string,
  at: string,
  owner: string,
  thread: string | null,
];

/**
 * Two managers' mailboxes (anna@, boris@), worked out by hand:
 * - C1: two letters in thread t1 answered by anna's one reply (3 h and 2 h); a letter in t2 that
 *   boris's t1 letter does not answer (another thread) and his t2 letter does, 24 h later.
 * - C2: a letter to boris without a thread, answered by his logged call 22 days later (in June).
 * - C3: a letter to anna answered only after the as-of day: unanswered.
 * - C4: a letter on the as-of day itself: counted, unanswered.
 */
const LETTERS: Letter[] = [
  ['i1', 'C1', 'inbound', '2024-05-01T09:00:00Z', 'anna@example.ru', 't1'],
  ['i2', 'C1', 'inbound', '2024-05-01T10:00:00Z', 'anna@example.ru', 't1'],
  ['o1', 'C1', 'outbound', '2024-05-01T12:00:00Z', 'anna@example.ru', 't1'],
  ['i3', 'C1', 'inbound', '2024-05-02T08:00:00Z', 'anna@example.ru', 't2'],
  ['o2', 'C1', 'outbound', '2024-05-02T09:30:00Z', 'boris@example.ru', 't1'],
  ['o3', 'C1', 'outbound', '2024-05-03T08:00:00Z', 'boris@example.ru', 't2'],
  ['i4', 'C2', 'inbound', '2024-05-10T10:00:00Z', 'boris@example.ru', null],
  ['o4', 'C2', 'outbound', '2024-06-01T10:00:00Z', 'boris@example.ru', null],
  ['i5', 'C3', 'inbound', '2024-05-20T10:00:00Z', 'anna@example.ru', 't5'],
  ['o5', 'C3', 'outbound', '2024-07-02T10:00:00Z', 'anna@example.ru', 't5'],
  ['i6', 'C4', 'inbound', '2024-06-30T23:00:00Z', 'anna@example.ru', null],
];

describe.each(targets)('mart_manager_activity on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seedSmallCompany(t.wh);
    await t.wh.knex('stg_interaction').delete();
    await t.wh.knex('stg_interaction').insert(
      LETTERS.map(([key, customer, direction, at, owner, thread]) => ({
        source: 'crm',
        source_key: key,
        customer_source_key: customer,
        direction,
        channel: 'email',
        occurred_at: t.wh.adapter.timestamp(new Date(at)),
        owner,
        thread_key: thread,
      })),
    );
    await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: SCOREBOARD });
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)(
    'counts letters, conversations and replies per month and manager',
    async () => {
      const rows = await tableRows(t.wh, 'mart_manager_activity', [
        'month',
        'owner',
        'inbound',
        'outbound',
        'threads',
        'replies',
        'answered',
        'unanswered',
        'reply_hours_median',
        'reply_hours_p90',
      ]);
      const norm = rows.map(([month, ...rest]) => [
        String(month).slice(0, 7),
        ...rest.map((v, i) => (i === 0 ? v : v === null ? null : Number(v))),
      ]);
      expect(norm).toEqual([
        ['2024-05', 'anna@example.ru', 4, 1, 3, 1, 2, 1, 2.5, 2.9],
        ['2024-05', 'boris@example.ru', 1, 2, 3, 1, 1, 0, 24, 24],
        ['2024-06', 'anna@example.ru', 1, 0, 1, 0, 0, 1, null, null],
        ['2024-06', 'boris@example.ru', 0, 1, 1, 1, 1, 0, 528, 528],
      ]);
    },
  );

  it.skipIf(target.unavailable)('the scoreboard reads reply time per manager', async () => {
    const board = (await tableRows(t.wh, 'mart_scoreboard', ['indicator', 'period', 'actual'])).filter((r) =>
      String(r[0]).startsWith('reply_hours'),
    );
    // May: the three answered letters (3 h, 2 h, 24 h); June: the call after 22 days.
    expect(board).toEqual([
      ['reply_hours', '2024-05', 3],
      ['reply_hours', '2024-06', 528],
      ['reply_hours:anna@example.ru', '2024-05', 2.5],
      ['reply_hours:boris@example.ru', '2024-05', 24],
      ['reply_hours:boris@example.ru', '2024-06', 528],
    ]);
    const html = renderScoreboardHtml(await readScoreboardReport(t.wh));
    const card = /<article class="card" data-indicator="reply_hours">[\s\S]*?<\/article>/.exec(html)![0];
    expect(card).toContain('By manager: boris@example.ru 528.0 h');
    expect(card).not.toContain('anna@example.ru');
  });
});
