import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../pipelines/commands/import-files.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';
import { letter, mbox } from './letters.js';

const targets = await engineTargets();

const thread = [
  letter({
    from: 'Пётр Иванов <petr@client.ru>',
    to: 'sales@ours.ru',
    subject: 'Запрос цены',
    messageId: 't1@client.ru',
    date: 'Mon, 04 Mar 2024 09:00:00 +0300',
    charset: 'koi8-r',
    body: 'Нужна цена.\n\nFrom the desk of Petr: this line opens with From after a blank line.\n\nС уважением,\nПётр Иванов\nООО "Трубы"\n+7 912 345-67-89',
  }),
  letter({
    from: 'Manager <sales@ours.ru>',
    to: 'petr@client.ru',
    subject: 'Re: Запрос цены',
    messageId: 't2@ours.ru',
    inReplyTo: 't1@client.ru',
    references: 't1@client.ru',
    date: 'Mon, 04 Mar 2024 11:30:00 +0300',
    charset: 'windows-1251',
    encoding: '8bit',
    body: 'Цена 100 руб.\n\n>From your letter: quoted',
  }),
  letter({
    from: 'Пётр Иванов <petr@client.ru>',
    to: 'sales@ours.ru',
    subject: 'Re: Re: Запрос цены',
    messageId: 't3@client.ru',
    references: 't1@client.ru t2@ours.ru',
    date: 'Mon, 04 Mar 2024 12:00:00 +0300',
    body: 'Спасибо',
  }),
  letter({
    from: 'petr@client.ru',
    to: 'sales@ours.ru',
    subject: 'Автоответ: Re: Запрос цены',
    headers: { 'Auto-Submitted': 'auto-replied' },
    body: 'Я в отпуске',
  }),
  letter({
    from: 'MAILER-DAEMON@mx.ours.ru',
    to: 'sales@ours.ru',
    subject: 'Undelivered Mail Returned to Sender',
    body: 'failed',
  }),
  letter({
    from: 'News <news@vendor.com>',
    to: 'sales@ours.ru',
    subject: 'Our March digest',
    headers: { 'List-Id': '<digest.vendor.com>', 'List-Unsubscribe': '<mailto:u@vendor.com>' },
    body: 'news',
  }),
  // The same letter again (exported twice): one interaction.
  letter({
    from: 'Пётр Иванов <petr@client.ru>',
    to: 'sales@ours.ru',
    subject: 'Re: Re: Запрос цены',
    messageId: 't3@client.ru',
    references: 't1@client.ru t2@ours.ru',
    date: 'Mon, 04 Mar 2024 12:00:00 +0300',
    body: 'Спасибо',
  }),
];
const junk = Buffer.from('X-Nothing: at all\n\nno addresses here\n');

describe.each(targets)('crm-etl import of mail files on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let dir: string;
  const importJson = (args: string[]) => {
    const res = crmEtl(['import', ...args, '--config', 'mail.yaml', '--db', db.url, '--json'], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    return res.json<{ files: FileSummary[] }>().files;
  };
  const query = async (sql: string) => {
    const wh = await openWarehouse(db.url);
    try {
      return wh.adapter.rows(await wh.knex.raw(sql));
    } finally {
      await wh.close();
    }
  };

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-mail-'));
    fs.writeFileSync(path.join(dir, 'letters.mbox'), Buffer.concat([mbox(thread), mbox([junk])]));
    // The sources' settings for their imports: which domains are ours.
    fs.writeFileSync(
      path.join(dir, 'mail.yaml'),
      'pipelines:\n  p:\n    sources:\n' +
        ['old-mail', 'eml-mail', 'md-mail']
          .map(
            (name) => `      - { name: ${name}, connector: email, path: none.mbox, ownDomains: [ours.ru] }\n`,
          )
          .join('') +
        // Batches of two letters: the parse workers' batches must come back in order.
        ['w0-mail', 'w2-mail']
          .map(
            (name) =>
              `      - { name: ${name}, connector: email, path: none.mbox, ownDomains: [ours.ru], batchSize: 2 }\n`,
          )
          .join(''),
    );
  });
  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it.skipIf(target.unavailable)(
    'stages an mbox: a thread, its skips with reasons, a quarantined message, a repeat as a duplicate',
    async () => {
      const [s] = importJson(['letters.mbox', '--source', 'old-mail']);
      expect(s).toMatchObject({
        file: 'letters.mbox',
        stream: 'interaction',
        rows: 8,
        loaded: 3,
        skipped: 3,
        quarantined: 1,
        duplicates: 1,
      });
      expect(s!.rows).toBe(s!.loaded + s!.skipped + s!.quarantined + s!.duplicates);
      expect(s!.skippedBy).toEqual({ 'auto-reply': 1, bounce: 1, 'mailing list': 1 });
      const rows = await query(
        `SELECT source_key, direction, thread_key, email, subject FROM stg_interaction WHERE source = 'old-mail' ORDER BY occurred_at`,
      );
      expect(rows).toEqual([
        {
          source_key: 't1@client.ru',
          direction: 'inbound',
          thread_key: 't1@client.ru',
          email: 'petr@client.ru',
          subject: 'Запрос цены',
        },
        {
          source_key: 't2@ours.ru',
          direction: 'outbound',
          thread_key: 't1@client.ru',
          email: 'petr@client.ru',
          subject: 'Re: Запрос цены',
        },
        {
          source_key: 't3@client.ru',
          direction: 'inbound',
          thread_key: 't1@client.ru',
          email: 'petr@client.ru',
          subject: 'Re: Re: Запрос цены',
        },
      ]);
      const contacts = await query(
        `SELECT source_key, last_name, first_name, phone, company FROM stg_contact WHERE source = 'old-mail'`,
      );
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({
        source_key: 'petr@client.ru',
        last_name: 'Иванов',
        first_name: 'Пётр',
      });
      const q = await query(`SELECT file, reason, raw FROM stg_quarantine WHERE source = 'old-mail'`);
      expect(q).toEqual([
        {
          file: 'letters.mbox#8',
          reason: expect.stringMatching(/no sender or recipient/),
          raw: 'X-Nothing: at all',
        },
      ]);

      // Again: nothing new, the reject replaced rather than piled up.
      const [again] = importJson(['letters.mbox', '--source', 'old-mail']);
      expect(again).toMatchObject({ rows: 8, loaded: 0, skipped: 3, quarantined: 1, duplicates: 4 });
      expect(await query(`SELECT count(*) AS n FROM stg_quarantine WHERE source = 'old-mail'`)).toEqual([
        { n: expect.anything() },
      ]);
      expect(
        Number(
          Object.values(
            (await query(`SELECT count(*) AS n FROM stg_quarantine WHERE source = 'old-mail'`))[0]!,
          )[0],
        ),
      ).toBe(1);
    },
  );

  it.skipIf(target.unavailable)(
    'keeps an unescaped "From " line of a letter in its text, and unescapes ">From "',
    async () => {
      const res = crmEtl(['import', 'letters.mbox', '--source', 'peek', '--dry-run', '--json'], { cwd: dir });
      expect(res.code, res.stderr).toBe(0);
      const files = res.json<{
        files: Array<{ rows: number; records: number; skipped: number; rejects: number }>;
      }>().files;
      expect(files[0]).toMatchObject({ rows: 8, skipped: 3, rejects: 1 });
      fs.writeFileSync(
        path.join(dir, 'full.yaml'),
        'pipelines:\n  p:\n    sources:\n      - { name: full-mail, connector: email, path: letters.mbox, ownDomains: [ours.ru], body: full }\n',
      );
      const full = crmEtl(
        [
          'import',
          'letters.mbox',
          '--source',
          'full-mail',
          '--config',
          'full.yaml',
          '--db',
          db.url,
          '--json',
        ],
        { cwd: dir },
      );
      expect(full.code, full.stderr).toBe(0);
      const bodies = await query(
        `SELECT source_key, body FROM stg_interaction WHERE source = 'full-mail' ORDER BY source_key`,
      );
      expect(bodies[0]!.body).toContain('From the desk of Petr');
      expect(bodies[1]!.body).toContain('>From your letter');
      expect(bodies[1]!.body).not.toContain('>>From');
    },
  );

  it.skipIf(target.unavailable)(
    'stages an .eml and a Maildir (a letter in INBOX and in .Sent is one interaction)',
    async () => {
      fs.writeFileSync(path.join(dir, 'one.eml'), thread[0]!);
      const [eml] = importJson(['one.eml', '--source', 'eml-mail']);
      expect(eml).toMatchObject({ stream: 'interaction', rows: 1, loaded: 1 });
      const md = path.join(dir, 'Maildir');
      for (const sub of ['cur', 'new', 'tmp', '.Sent/cur', '.Sent/new', '.Sent/tmp'])
        fs.mkdirSync(path.join(md, sub), { recursive: true });
      fs.writeFileSync(path.join(md, 'cur', '1709535600.M1P1.host:2,S'), thread[0]!);
      fs.writeFileSync(path.join(md, 'new', '1709545000.M2P1.host'), thread[2]!);
      fs.writeFileSync(path.join(md, '.Sent', 'cur', '1709541000.M3P1.host:2,S'), thread[1]!);
      fs.writeFileSync(path.join(md, '.Sent', 'cur', '1709545001.M4P1.host:2,S'), thread[2]!);
      const [maildir] = importJson(['Maildir', '--source', 'md-mail']);
      expect(maildir).toMatchObject({ file: 'Maildir', rows: 4, loaded: 3, duplicates: 1 });
      expect(await query(`SELECT count(*) AS n FROM stg_interaction WHERE source = 'md-mail'`)).toEqual([
        { n: expect.anything() },
      ]);
      const keys = await query(
        `SELECT source_key, file, line FROM stg_interaction WHERE source = 'md-mail' ORDER BY source_key`,
      );
      expect(keys.map((k) => k.source_key)).toEqual(['t1@client.ru', 't2@ours.ru', 't3@client.ru']);
    },
  );

  it.skipIf(target.unavailable)(
    'stages the same with letters parsed in worker threads as on the main thread (CRM_ETL_MAIL_WORKERS)',
    async () => {
      const run = (source: string, workers: string) => {
        const res = crmEtl(
          ['import', 'letters.mbox', '--source', source, '--config', 'mail.yaml', '--db', db.url, '--json'],
          { cwd: dir, env: { CRM_ETL_MAIL_WORKERS: workers } },
        );
        expect(res.code, res.stderr).toBe(0);
        const { source: _source, ...summary } = res.json<{
          files: Array<FileSummary & { source?: string }>;
        }>().files[0]!;
        return summary;
      };
      const staged = async (source: string) => ({
        interactions: await query(
          `SELECT source_key, direction, subject, email, full_name, thread_key, owner, mail_from, mail_to, line FROM stg_interaction WHERE source = '${source}' ORDER BY line`,
        ),
        contacts: await query(
          `SELECT source_key, full_name, last_name, first_name, phone, company FROM stg_contact WHERE source = '${source}' ORDER BY source_key`,
        ),
        rejects: await query(`SELECT file, reason, raw FROM stg_quarantine WHERE source = '${source}'`),
      });
      const inThread = run('w0-mail', '0');
      const inWorkers = run('w2-mail', '2');
      expect(inWorkers).toEqual(inThread);
      expect(inThread).toMatchObject({ rows: 8, loaded: 3, skipped: 3, quarantined: 1, duplicates: 1 });
      const a = await staged('w0-mail');
      expect(a.interactions).toHaveLength(3);
      expect(await staged('w2-mail')).toEqual(a);
      // A limit that is no number is still one line, not a worker's crash.
      const bad = crmEtl(
        ['import', 'letters.mbox', '--source', 'w2-mail', '--config', 'mail.yaml', '--db', db.url],
        {
          cwd: dir,
          env: { CRM_ETL_MAIL_WORKERS: 'many' },
        },
      );
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/CRM_ETL_MAIL_WORKERS="many" is not a number of threads/);
    },
  );
});
