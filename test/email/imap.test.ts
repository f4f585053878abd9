/**
 * The e-mail connector against a real IMAP server (dovecot, started by the test): first sync,
 * new mail between runs, flags changing, a folder rebuilt (new UIDVALIDITY), a connection cut
 * mid-folder then a resume, the same letter in two folders, mail that is no conversation,
 * KOI8-R and Windows-1251 letters, threads, direction, and `crm-etl check` (a wrong password).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailSourceSchema, type EmailSourceConfig } from '../../connectors/email/config.js';
import { createLogger } from '../../lib/logger.js';
import { extractSource, type ExtractContext } from '../../pipelines/extract.js';
import { classifyFailure } from '../../pipelines/retry.js';
import { crmEtl } from '../support/cli.js';
import { dovecotAvailable, PASSWORD, startDovecot, type Dovecot } from '../support/dovecot.js';
import { migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { letter } from './letters.js';

const logger = createLogger({ level: 'silent' });
// In CI the server must be there (.ci/run installs it); elsewhere a missing one skips the suite.
const missing = !dovecotAvailable() && process.env.CI !== 'true';
const USERS = ['sales@ours.ru', 'cut@ours.ru', 'reset@ours.ru', 'noise@ours.ru', 'still@ours.ru'];

const koi = letter({
  from: 'Пётр Иванов <petr@client.ru>',
  to: 'sales@ours.ru',
  subject: 'Запрос цены',
  messageId: 'q1@client.ru',
  date: 'Mon, 04 Mar 2024 09:00:00 +0300',
  charset: 'koi8-r',
  encoding: 'quoted-printable',
  body: 'Нужна цена на трубы.\n\nС уважением,\nПётр Иванов\nООО "Трубы"\n+7 912 345-67-89',
});
const cp1251 = letter({
  from: 'Анна Смирнова <anna@shop.ru>',
  to: 'Продажи <sales@ours.ru>',
  subject: 'Счёт',
  messageId: 'a1@shop.ru',
  date: 'Tue, 05 Mar 2024 10:00:00 +0300',
  charset: 'windows-1251',
  encoding: '8bit',
  body: 'Пришлите счёт, пожалуйста.',
});
const reply = letter({
  from: 'sales@ours.ru',
  to: 'Пётр Иванов <petr@client.ru>',
  subject: 'Re: Запрос цены',
  messageId: 'r1@ours.ru',
  inReplyTo: 'q1@client.ru',
  references: 'q1@client.ru',
  date: 'Mon, 04 Mar 2024 10:30:00 +0300',
  body: 'Цена 100 руб./т.',
});

describe.skipIf(missing)('the e-mail connector over IMAP (dovecot)', () => {
  let server: Dovecot;
  let t: TestWarehouse;
  let runId = 0;

  beforeAll(async () => {
    server = await startDovecot(USERS);
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  }, 60_000);
  afterAll(async () => {
    await t?.drop();
    await server?.stop();
  });

  const source = (user: string, over: Record<string, unknown> = {}): EmailSourceConfig =>
    EmailSourceSchema.parse({
      name: `mail-${user.split('@')[0]}`,
      connector: 'email',
      imap: { host: '127.0.0.1', port: server.port, secure: false, user, password: PASSWORD },
      ownDomains: ['ours.ru'],
      batchSize: 2,
      ...over,
    });
  const extract = (src: EmailSourceConfig, options: Partial<ExtractContext> = {}) =>
    extractSource(src, { wh: t.wh, runId: ++runId, baseDir: '.', defaultRegion: 'RU', logger, ...options });
  const interactions = (src: string) =>
    t.wh
      .knex('stg_interaction')
      .where({ source: src })
      .orderBy('occurred_at')
      .select(
        'source_key',
        'direction',
        'subject',
        'email',
        'full_name',
        'thread_key',
        'owner',
        'file',
        'line',
      );

  it('first sync, new mail, flags: reads INBOX and the \\Sent folder, then only new mail', async () => {
    await server.append('sales@ours.ru', 'INBOX', [koi, cp1251]);
    await server.append('sales@ours.ru', 'Sent', [reply]);
    const src = source('sales@ours.ru');
    const first = await extract(src);
    expect(first.failed).toEqual([]);
    expect(first.inputs.map((i) => [i.name, i.rows, i.loaded])).toEqual([
      ['INBOX', 2, 2],
      ['Sent', 1, 1],
    ]);
    expect(first.inputs[0]!.to).toMatchObject({ lastUid: 2, uidValidity: expect.stringMatching(/^\d+$/) });
    expect(first.inputs[0]!.companions?.contact).toMatchObject({ rows: 2, loaded: 2 });
    expect(await interactions(src.name)).toEqual([
      {
        source_key: 'q1@client.ru',
        direction: 'inbound',
        subject: 'Запрос цены',
        email: 'petr@client.ru',
        full_name: 'Пётр Иванов',
        thread_key: 'q1@client.ru',
        owner: 'sales@ours.ru',
        file: 'INBOX',
        line: 1,
      },
      {
        source_key: 'r1@ours.ru',
        direction: 'outbound',
        subject: 'Re: Запрос цены',
        email: 'petr@client.ru',
        full_name: 'Пётр Иванов',
        thread_key: 'q1@client.ru',
        owner: 'sales@ours.ru',
        file: 'Sent',
        line: 1,
      },
      {
        source_key: 'a1@shop.ru',
        direction: 'inbound',
        subject: 'Счёт',
        email: 'anna@shop.ru',
        full_name: 'Анна Смирнова',
        thread_key: 'a1@shop.ru',
        owner: 'sales@ours.ru',
        file: 'INBOX',
        line: 2,
      },
    ]);
    const petr = await t.wh
      .knex('stg_contact')
      .where({ source: src.name, source_key: 'petr@client.ru' })
      .first();
    expect(petr).toMatchObject({
      last_name: 'Иванов',
      first_name: 'Пётр',
      phone: '+79123456789',
      company: 'ООО "Трубы"',
    });

    // New mail: only it is read.
    const later = letter({
      from: 'petr@client.ru',
      to: 'sales@ours.ru',
      subject: 'Re: Re: Запрос цены',
      references: 'q1@client.ru r1@ours.ru',
      messageId: 'q2@client.ru',
      body: 'Спасибо',
    });
    await server.append('sales@ours.ru', 'INBOX', [later]);
    const second = await extract(src);
    expect(second.inputs.map((i) => [i.name, i.rows, i.loaded])).toEqual([
      ['INBOX', 1, 1],
      ['Sent', 0, 0],
    ]);
    expect(second.inputs[0]!.to).toMatchObject({ lastUid: 3 });

    // Flags changing is not new mail.
    const c = await server.client('sales@ours.ru');
    await c.mailboxOpen('INBOX');
    await c.messageFlagsAdd('1:*', ['\\Seen', '\\Flagged']);
    await c.logout();
    const third = await extract(src);
    expect(third.inputs.map((i) => i.rows)).toEqual([0, 0]);
  });

  it('a letter in two folders is one interaction; every kind of non-conversation mail is skipped with its reason', async () => {
    const user = 'noise@ours.ru';
    await server.append(user, 'INBOX', [
      koi,
      letter({
        from: 'petr@client.ru',
        to: user,
        subject: 'Out of office',
        headers: { 'Auto-Submitted': 'auto-replied' },
        body: 'away',
      }),
      letter({ from: 'petr@client.ru', to: user, subject: 'Автоответ: Запрос', body: 'в отпуске' }),
      letter({
        from: 'Mail Delivery System <MAILER-DAEMON@mx.ours.ru>',
        to: user,
        subject: 'Undelivered Mail',
        body: 'x',
      }),
      letter({
        from: 'postmaster@client.ru',
        to: user,
        subject: 'Delivery Status Notification (Failure)',
        contentType: 'multipart/report; report-type=delivery-status; boundary="d"',
        body: '--d\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--d--\r\n',
      }),
      letter({
        from: 'news@vendor.com',
        to: user,
        subject: 'Digest',
        headers: { 'List-Id': '<d.vendor.com>' },
        body: 'n',
      }),
      letter({
        from: 'promo@vendor.com',
        to: user,
        subject: 'Sale',
        headers: { Precedence: 'bulk' },
        body: 'n',
      }),
      letter({ from: 'noreply@bank.ru', to: user, subject: 'Statement', body: 'n' }),
      letter({ from: 'boss@ours.ru', to: user, subject: 'Plan', body: 'internal' }),
      letter({ from: 'spy@rival.ru', to: user, subject: 'Hello', body: 'n' }),
    ]);
    await server.append(user, 'Sent', [koi]);
    const src = source(user, { folders: ['INBOX', 'Sent'], neverCapture: ['rival.ru'], batchSize: 3 });
    const res = await extract(src);
    const [inbox, sent] = res.inputs;
    expect(inbox).toMatchObject({ rows: 10, loaded: 1, skipped: 9, quarantined: 0, duplicates: 0 });
    expect(inbox!.skippedBy).toEqual({
      'auto-reply': 2,
      bounce: 2,
      'mailing list': 1,
      'bulk mail': 1,
      'no-reply sender': 1,
      'internal mail': 1,
      'never-capture list': 1,
    });
    expect(sent).toMatchObject({ rows: 1, loaded: 0, duplicates: 1 });
    expect(await t.wh.knex('stg_interaction').where({ source: src.name }).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
    expect(
      (await t.wh.knex('stg_contact').where({ source: src.name }).select('source_key')).map(
        (r) => r.source_key,
      ),
    ).toEqual(['petr@client.ru']);
  });

  it('a rebuilt folder (deleted and made again: new UIDVALIDITY) is read again without duplicating anything', async () => {
    const user = 'reset@ours.ru';
    const c = await server.client(user);
    await c.mailboxCreate('Clients');
    await c.logout();
    await server.append(user, 'Clients', [koi, cp1251, reply]);
    const src = source(user, { folders: ['Clients'] });
    const first = await extract(src);
    expect(first.inputs[0]).toMatchObject({ rows: 3, loaded: 3 });
    const before = first.inputs[0]!.to as { uidValidity: string };

    const d = await server.client(user);
    await d.mailboxDelete('Clients');
    await d.mailboxCreate('Clients');
    await d.logout();
    await server.append(user, 'Clients', [reply, koi, cp1251]);
    const again = await extract(src);
    expect(again.inputs[0]).toMatchObject({ rows: 3, loaded: 0, duplicates: 3 });
    expect((again.inputs[0]!.to as { uidValidity: string }).uidValidity).not.toBe(before.uidValidity);
    expect(await t.wh.knex('stg_interaction').where({ source: src.name }).count({ n: '*' })).toEqual([
      { n: 3 },
    ]);
  });

  it('a connection cut mid-folder costs one batch: the run fails as transient, the next resumes, nothing staged twice', async () => {
    const user = 'cut@ours.ru';
    const many = Array.from({ length: 7 }, (_, i) =>
      letter({
        from: `c${i}@client.ru`,
        to: user,
        subject: `Letter ${i}`,
        messageId: `cut${i}@client.ru`,
        body: `text ${i}`,
      }),
    );
    await server.append(user, 'INBOX', many);
    const proxy = await startTcpProxy('127.0.0.1', server.port);
    try {
      const src = source(user, {
        folders: ['INBOX'],
        imap: { host: '127.0.0.1', port: proxy.port, secure: false, user, password: PASSWORD },
      });
      // The connection drops as the second batch's position is saved: the third fetch fails.
      let saves = 0;
      const onQuery = (q: { sql: string }) => {
        if (/insert into .connector_state/i.test(q.sql) && ++saves === 2) proxy.cut();
      };
      t.wh.knex.on('query', onQuery);
      const attempts = new Map<string, unknown>();
      let error: unknown;
      try {
        await extract(src, { attempts });
      } catch (err) {
        error = err;
      } finally {
        t.wh.knex.off('query', onQuery);
      }
      expect(error).toBeDefined();
      expect(classifyFailure(error)).toBe('transient');
      expect(await t.wh.knex('stg_interaction').where({ source: src.name }).count({ n: '*' })).toEqual([
        { n: 4 },
      ]);

      const resumed = await extract(src);
      expect(resumed.inputs[0]).toMatchObject({
        rows: 3,
        loaded: 3,
        duplicates: 0,
        from: { lastUid: 4 },
        to: { lastUid: 7 },
      });
      expect(await t.wh.knex('stg_interaction').where({ source: src.name }).count({ n: '*' })).toEqual([
        { n: 7 },
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('CONDSTORE: a folder where nothing moved is skipped by one STATUS, flags changing is no new mail, new mail is read', async () => {
    const user = 'still@ours.ru';
    const mail = (i: number) =>
      letter({
        from: `s${i}@client.ru`,
        to: user,
        subject: `Still ${i}`,
        messageId: `still${i}@client.ru`,
        body: `text ${i}`,
      });
    await server.append(user, 'INBOX', [mail(1), mail(2), mail(3)]);
    const proxy = await startTcpProxy('127.0.0.1', server.port, { record: true });
    // The commands a run sent (tag and command name), its login and logout left out.
    const commands = () =>
      proxy
        .takeSent()
        .split('\r\n')
        .map((l) => /^\S+ ((?:UID )?[A-Z]+)\b/.exec(l)?.[1])
        .filter(
          (c): c is string =>
            c !== undefined &&
            ![
              'LOGIN',
              'AUTHENTICATE',
              'LOGOUT',
              'CAPABILITY',
              'ID',
              'ENABLE',
              'NAMESPACE',
              'COMPRESS',
            ].includes(c),
        );
    try {
      const src = source(user, {
        folders: ['INBOX'],
        imap: { host: '127.0.0.1', port: proxy.port, secure: false, user, password: PASSWORD },
      });
      const first = await extract(src);
      expect(first.inputs[0]).toMatchObject({
        rows: 3,
        loaded: 3,
        to: { lastUid: 3, uidNext: 4, highestModseq: expect.stringMatching(/^\d+$/) },
      });
      expect(commands()).toContain('EXAMINE');

      // Nothing moved: one STATUS, the folder is not opened, nothing searched or fetched.
      const still = await extract(src);
      expect(still.inputs[0]).toMatchObject({ rows: 0, batches: 0 });
      expect(commands()).toEqual(['STATUS']);

      // Flags changed: HIGHESTMODSEQ moved, UIDNEXT did not; no new mail, still not opened.
      const c = await server.client(user);
      await c.mailboxOpen('INBOX');
      await c.messageFlagsAdd('1:*', ['\\Seen', '\\Flagged']);
      await c.logout();
      const flagged = await extract(src);
      expect(flagged.inputs[0]).toMatchObject({ rows: 0, batches: 0 });
      expect(commands()).toEqual(['STATUS']);

      // New mail: UIDNEXT moved, the folder is opened and only the new letter read.
      await server.append(user, 'INBOX', [mail(4)]);
      const more = await extract(src);
      expect(more.inputs[0]).toMatchObject({ rows: 1, loaded: 1, to: { lastUid: 4, uidNext: 5 } });
      expect(commands()).toEqual(expect.arrayContaining(['STATUS', 'EXAMINE', 'UID FETCH']));
      expect(await t.wh.knex('stg_interaction').where({ source: src.name }).count({ n: '*' })).toEqual([
        { n: 4 },
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('reads past a huge attachment: the letter is staged, the attachment listed by the server, never fetched whole', async () => {
    const user = 'cut@ours.ru';
    const c = await server.client(user);
    await c.mailboxCreate('Big');
    await c.logout();
    const huge = letter({
      from: 'Пётр Иванов <petr@client.ru>',
      to: user,
      subject: 'Чертежи',
      messageId: 'huge@client.ru',
      body: 'Чертежи во вложении.',
      attachment: { name: 'drawings.pdf', size: 6 * 1024 * 1024 },
    });
    await server.append(user, 'Big', [koi, huge]);
    const src = source(user, { name: 'mail-big', folders: ['Big'] });
    const res = await extract(src);
    expect(res.inputs[0]).toMatchObject({ rows: 2, loaded: 2, quarantined: 0 });
    const row = await t.wh
      .knex('stg_interaction')
      .where({ source: src.name, source_key: 'huge@client.ru' })
      .first();
    expect(row).toMatchObject({ subject: 'Чертежи', direction: 'inbound', email: 'petr@client.ru' });
    const attributes = JSON.parse(row.attributes as string) as { attachments: string; truncated: string };
    expect(attributes.truncated).toBe('true');
    const [attachment] = JSON.parse(attributes.attachments) as Array<{ name: string; size: number }>;
    expect(attachment!.name).toBe('drawings.pdf');
    // The server gives the encoded size: base64 of 6 MB, a third more, with line breaks.
    expect(attachment!.size).toBeGreaterThan(6 * 1024 * 1024);
  });

  it('crm-etl check lists the folders with their counts; a wrong password is one line and exit 3', async () => {
    const dir = fs.mkdtempSync(path.join(server.dir, 'cfg-'));
    // The password comes from the environment, as it must: the file names only the variable.
    const config = () =>
      `pipelines:\n  mail:\n    sources:\n      - name: sales-mail\n        connector: email\n        imap: { host: 127.0.0.1, port: ${server.port}, secure: false, user: sales@ours.ru, password: "\${MAIL_PASSWORD}" }\n        ownDomains: [ours.ru]\n`;
    fs.writeFileSync(path.join(dir, 'crm-etl.yaml'), config());
    const ok = crmEtl(['check', 'sales-mail', '--config', 'crm-etl.yaml', '--json'], {
      cwd: dir,
      env: { MAIL_PASSWORD: PASSWORD },
    });
    expect(ok.code, ok.stderr).toBe(0);
    const json = ok.json<{
      ok: boolean;
      folders: Array<{ path: string; messages: number; read: boolean }>;
    }>();
    expect(json.folders).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'INBOX', messages: 3, read: true }),
        expect.objectContaining({ path: 'Sent', messages: 1, read: true }),
      ]),
    );
    const text = crmEtl(['check', 'sales-mail', '--config', 'crm-etl.yaml'], {
      cwd: dir,
      env: { MAIL_PASSWORD: PASSWORD },
    });
    expect(text.stdout).toMatch(/INBOX\s+3 message\(s\)/);

    const bad = crmEtl(['check', 'sales-mail', '--config', 'crm-etl.yaml'], {
      cwd: dir,
      env: { MAIL_PASSWORD: 'wrong-one' },
    });
    expect(bad.code).toBe(3);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refused the login of sales@ours\.ru/);
    expect(bad.stderr + bad.stdout).not.toContain('wrong-one');
  });
});
