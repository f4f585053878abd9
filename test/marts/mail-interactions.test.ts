import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../connectors/contract.js';
import { messageItems, type RecordOptions } from '../../connectors/email/records.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { buildMarts, type BuildMartsResult } from '../../warehouse/marts/index.js';
import { letter, type Letter } from '../email/letters.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { AS_OF, SCOREBOARD } from './fixture.js';
import { tableRows } from './read-rows.js';
import { seedSmallCompany } from './seed-small-company.js';

const targets = await engineTargets();

// Anna (anna@example.com, customer 1) asks; both managers get it, Oleg answers from his mailbox.
const question: Letter = {
  from: 'Anna Ivanova <anna@example.com>',
  to: 'olga@ours.ru',
  cc: 'oleg@ours.ru',
  subject: 'Price request',
  date: 'Mon, 03 Jun 2024 09:00:00 +0000',
  messageId: 'q1@example.com',
  body: 'What does it cost?',
};
const answer: Letter = {
  from: 'oleg@ours.ru',
  to: 'anna@example.com',
  cc: 'olga@ours.ru',
  subject: 'Re: Price request',
  date: 'Mon, 03 Jun 2024 11:30:00 +0000',
  messageId: 'a1@ours.ru',
  inReplyTo: 'q1@example.com',
  body: 'Ten roubles.',
};
// No Message-ID: keyed by a hash of its content, the same hash in both mailboxes.
const noId: Letter = {
  from: 'Boris Petrov <boris@example.com>',
  to: 'olga@ours.ru, oleg@ours.ru',
  subject: 'Thanks',
  date: 'Tue, 04 Jun 2024 08:00:00 +0000',
  messageId: null,
  body: 'Got it.',
};

/** Stages letters as the e-mail connector of a mailbox owned by `owner` does. */
async function stageMailbox(wh: Warehouse, source: string, owner: string, letters: Letter[]) {
  const options: RecordOptions = {
    ownDomains: ['ours.ru'],
    neverCapture: [],
    body: 'none',
    owner,
    region: 'RU',
  };
  for (const l of letters) {
    const items = await messageItems(
      { raw: letter(l), lineage: { file: 'INBOX#1', line: 1 }, internalDate: null },
      options,
    );
    for (const item of items) {
      if (item.kind !== 'record' || item.record.stream !== 'interaction') continue;
      const r = item.record as SourceRecord<'interaction'>;
      const fields = Object.fromEntries(
        Object.entries(r.fields).map(([k, v]) => [
          k,
          k === 'occurred_at' && v !== null ? wh.adapter.timestamp(new Date(String(v))) : v,
        ]),
      );
      await wh.knex('stg_interaction').insert({ source, source_key: r.sourceKey, ...fields });
    }
  }
}

describe.each(targets)('letters from several mailboxes in fct_interaction on $engine', (target) => {
  let t: TestWarehouse;
  let result: BuildMartsResult;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seedSmallCompany(t.wh);
    // Staged in the reverse of the order the kept copy is chosen in: the choice is the data's.
    await stageMailbox(t.wh, 'zeta-mail', 'oleg@ours.ru', [question, answer, noId]);
    await stageMailbox(t.wh, 'alpha-mail', 'olga@ours.ru', [question, answer, noId]);
    await stageMailbox(t.wh, 'beta-mail', 'oleg@ours.ru', [answer]);
    // An activity sheet's rows with channel 'email' are no letters: a key shared with the crm's
    // i1 (customer 4) is a different interaction.
    await t.wh.knex('stg_interaction').insert({
      source: 'calls',
      source_key: 'i1',
      customer_source_key: null,
      email: 'anna@example.com',
      channel: 'email',
      direction: 'outbound',
      owner: 'Ivanova',
      occurred_at: t.wh.adapter.timestamp(new Date('2024-06-05T10:00:00Z')),
    });
    result = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD });
  });
  afterAll(async () => t?.drop());
  const rows = (columns: string[]) => tableRows(t.wh, 'fct_interaction', columns);

  it.skipIf(target.unavailable)(
    'one row per letter across mailboxes, the copy of the first source kept, other rows untouched',
    async () => {
      const facts = await rows(['source', 'source_key', 'customer_id', 'direction', 'owner']);
      const letters = facts.filter(([source]) => String(source).endsWith('-mail'));
      expect(letters).toHaveLength(3);
      expect(letters.filter((r) => r[1] === 'q1@example.com')).toEqual([
        ['alpha-mail', 'q1@example.com', 1, 'inbound', 'olga@ours.ru'],
      ]);
      // Oleg's answer is in his Sent (beta-mail, zeta-mail) and in Olga's INBOX (alpha-mail, first
      // by name): his own mailbox's copy is kept, of those the first by name.
      expect(letters.filter((r) => r[1] === 'a1@ours.ru')).toEqual([
        ['beta-mail', 'a1@ours.ru', 1, 'outbound', 'oleg@ours.ru'],
      ]);
      const hashed = letters.filter((r) => r[1] !== 'q1@example.com' && r[1] !== 'a1@ours.ru');
      expect(hashed).toEqual([['alpha-mail', hashed[0]![1], 2, 'inbound', 'olga@ours.ru']]);
      expect(facts.filter((r) => r[1] === 'i1')).toEqual([
        ['calls', 'i1', 1, 'outbound', 'Ivanova'],
        ['crm', 'i1', 4, 'inbound', null],
      ]);
      // The crm's stranger (i6) is the one staged interaction with no customer; copies are not.
      expect(result.unlinkedInteractions).toBe(1);
    },
  );

  it.skipIf(target.unavailable)(
    'activity and responses per manager come from the mailbox owner',
    async () => {
      const facts = await rows(['owner', 'direction', 'occurred_at']);
      const outboundBy = (owner: string) => facts.filter((r) => r[0] === owner && r[1] === 'outbound').length;
      expect(outboundBy('oleg@ours.ru')).toBe(1);
      expect(outboundBy('olga@ours.ru')).toBe(0);
      // Anna's first inbound letter and the first outbound one after it: 2.5 h, by Oleg.
      const [row] = t.wh.adapter.rows(
        await t.wh.knex.raw(`
        SELECT o.owner AS owner, ${t.wh.adapter.secondsBetween('f.first_in', 'o.occurred_at')} AS secs
        FROM (SELECT customer_id, MIN(occurred_at) AS first_in FROM fct_interaction
              WHERE direction = 'inbound' AND customer_id = 1 AND source <> 'crm' GROUP BY customer_id) f
        JOIN fct_interaction o ON o.customer_id = f.customer_id AND o.direction = 'outbound'
          AND o.occurred_at >= f.first_in AND o.source <> 'calls'`),
      );
      expect(row).toMatchObject({ owner: 'oleg@ours.ru' });
      expect(Math.round(Number(row!.secs))).toBe(9000);
    },
  );
});
