import path from 'node:path';
import PostalMime from 'postal-mime';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectorItem, SourceRecord } from '../../connectors/contract.js';
import { readMailFile } from '../../connectors/email/file-reader.js';
import { messageItems, type RawMessage, type RecordOptions } from '../../connectors/email/records.js';
import { packageRoot } from '../../lib/package-root.js';
import { generated } from '../bench/email.js';
import { letter, type Letter } from './letters.js';

const SAMPLE = path.join(packageRoot(), 'samples', 'sales-mail.mbox');

const options: RecordOptions = {
  ownDomains: ['ours.ru'],
  neverCapture: ['spy.example', 'boss@partner.ru'],
  body: 'snippet',
  owner: 'sales@ours.ru',
  region: 'RU',
};

const items = (l: Letter, o: Partial<RecordOptions> = {}) =>
  messageItems(
    { raw: letter(l), lineage: { file: 'INBOX#1', line: 1 }, internalDate: new Date('2024-03-07T07:05:00Z') },
    { ...options, ...o },
  );
const records = (list: ConnectorItem[]) =>
  list
    .filter((i): i is Extract<ConnectorItem, { kind: 'record' }> => i.kind === 'record')
    .map((i) => i.record);
const interaction = (list: ConnectorItem[]) =>
  records(list).find((r) => r.stream === 'interaction') as SourceRecord<'interaction'>;
const contacts = (list: ConnectorItem[]) =>
  records(list).filter((r) => r.stream === 'contact') as SourceRecord<'contact'>[];
const skipReason = (list: ConnectorItem[]) => (list[0]?.kind === 'skip' ? list[0].skip.reason : null);

describe('a letter as staged records', () => {
  it('reads a KOI8-R letter: names, subject and text decoded, inbound, the sender a contact with the signature', async () => {
    const got = await items({
      from: 'Иванов Пётр Сергеевич <petr@client.ru>',
      to: 'Отдел продаж <sales@ours.ru>',
      subject: 'Запрос цены на трубы',
      charset: 'koi8-r',
      encoding: 'quoted-printable',
      messageId: 'koi@client.ru',
      body: 'Добрый день!\nПришлите цену на 40 тонн.\n\nС уважением,\nИванов Пётр\nНачальник отдела снабжения\nООО "Трубный двор"\nтел. +7 (912) 345-67-89\n',
    });
    const i = interaction(got);
    expect(i.sourceKey).toBe('koi@client.ru');
    expect(i.fields).toMatchObject({
      channel: 'email',
      direction: 'inbound',
      subject: 'Запрос цены на трубы',
      email: 'petr@client.ru',
      customer_source_key: 'petr@client.ru',
      full_name: 'Иванов Пётр Сергеевич',
      owner: 'sales@ours.ru',
      occurred_at: '2024-03-07T07:01:02.000Z',
      thread_key: 'koi@client.ru',
      mail_from: 'Иванов Пётр Сергеевич <petr@client.ru>',
      mail_to: 'Отдел продаж <sales@ours.ru>',
    });
    expect(i.fields.body).toContain('Пришлите цену на 40 тонн.');
    const [c] = contacts(got);
    expect(contacts(got)).toHaveLength(1);
    expect(c!.sourceKey).toBe('petr@client.ru');
    expect(c!.fields).toMatchObject({
      last_name: 'Иванов',
      first_name: 'Пётр',
      middle_name: 'Сергеевич',
      phone: '+79123456789',
      company: 'ООО "Трубный двор"',
    });
    expect(c!.attributes.title).toBe('Начальник отдела снабжения');
  });

  it('reads a Windows-1251 letter in 8bit, outbound: the customer is the outside recipient, no signature kept for them', async () => {
    const got = await items({
      from: 'Менеджер <sales@ours.ru>',
      to: 'Анна Смирнова <anna@client.ru>',
      cc: 'boss@ours.ru',
      subject: 'Re: Счёт на оплату',
      charset: 'windows-1251',
      encoding: '8bit',
      messageId: 'reply@ours.ru',
      inReplyTo: 'first@client.ru',
      references: 'root@client.ru first@client.ru',
      body: 'Анна, счёт во вложении.\n\nС уважением,\nМенеджер\n+7 495 123-45-67\n',
      attachment: { name: 'invoice.pdf', size: 3000 },
    });
    const i = interaction(got);
    expect(i.fields).toMatchObject({
      direction: 'outbound',
      subject: 'Re: Счёт на оплату',
      email: 'anna@client.ru',
      full_name: 'Анна Смирнова',
      thread_key: 'root@client.ru',
    });
    expect(JSON.parse(i.attributes.attachments!)).toEqual([{ name: 'invoice.pdf', size: 3000 }]);
    const cs = contacts(got);
    expect(cs.map((c) => c.sourceKey)).toEqual(['anna@client.ru']);
    expect(cs[0]!.fields).toMatchObject({
      first_name: 'Анна',
      last_name: 'Смирнова',
      phone: null,
      company: null,
    });
  });

  it('keys a letter without Message-ID by its content, the same each time; no Date: the arrival time, with a warning', async () => {
    const l: Letter = {
      from: 'x@client.ru',
      to: 'sales@ours.ru',
      subject: 'Hello',
      messageId: null,
      date: null,
      body: 'Hi',
    };
    const a = interaction(await items(l));
    const b = interaction(await items(l));
    expect(a.sourceKey).toMatch(/^sha1:[0-9a-f]{40}$/);
    expect(b.sourceKey).toBe(a.sourceKey);
    expect(a.fields.occurred_at).toBe('2024-03-07T07:05:00.000Z');
    expect(a.warnings[0]).toMatch(/no Date header/);
    expect(a.fields.thread_key).toBe('subject:hello');
  });

  it('does not believe a Date far after the arrival time', async () => {
    const i = interaction(
      await items({
        from: 'x@client.ru',
        to: 'sales@ours.ru',
        subject: 'S',
        date: 'Fri, 01 Jan 2038 00:00:00 +0000',
        body: 'b',
      }),
    );
    expect(i.fields.occurred_at).toBe('2024-03-07T07:05:00.000Z');
    expect(i.warnings[0]).toMatch(/not believable/);
  });

  it('keeps no body with body: none, all of it with full', async () => {
    const l: Letter = {
      from: 'x@client.ru',
      to: 'sales@ours.ru',
      subject: 'S',
      body: 'line one\n\n> quoted\n',
    };
    expect(interaction(await items(l, { body: 'none' })).fields.body).toBeNull();
    expect(interaction(await items(l, { body: 'full' })).fields.body).toContain('> quoted');
    expect(interaction(await items(l, { body: 'snippet' })).fields.body).toBe('line one');
  });

  it.each([
    ['auto-reply', { headers: { 'Auto-Submitted': 'auto-replied' } }],
    ['auto-reply', { headers: { 'X-Autoreply': 'yes' } }],
    ['auto-reply', { subject: 'Автоответ: Запрос цены' }],
    ['auto-reply', { subject: 'Out of Office: price request' }],
    ['bounce', { from: 'MAILER-DAEMON@mx.client.ru' }],
    [
      'bounce',
      { contentType: 'multipart/report; report-type=delivery-status; boundary="x"', body: '--x--\r\n' },
    ],
    ['mailing list', { headers: { 'List-Id': '<news.vendor.com>' } }],
    ['bulk mail', { headers: { Precedence: 'bulk' } }],
    ['no-reply sender', { from: 'Shop <no-reply@shop.example>' }],
    ['never-capture list', { from: 'agent@spy.example' }],
    ['never-capture list', { cc: 'boss@partner.ru' }],
    ['internal mail', { from: 'a@ours.ru', to: 'b@sub.ours.ru' }],
  ] as Array<[string, Partial<Letter>]>)('skips %s (%j)', async (reason, over) => {
    const got = await items({
      from: 'x@client.ru',
      to: 'sales@ours.ru',
      subject: 'Hello',
      body: 'b',
      ...over,
    });
    expect(got).toHaveLength(1);
    expect(skipReason(got)).toBe(reason);
  });

  it('does not take a real letter about an office for an auto-reply', async () => {
    const got = await items({
      from: 'x@client.ru',
      to: 'sales@ours.ru',
      subject: 'Re: out of office hours delivery?',
      body: 'b',
    });
    expect(skipReason(got)).toBeNull();
  });

  it('quarantines a message with no address at all, with its raw headers', async () => {
    const got = await messageItems(
      {
        raw: Buffer.from('X-Junk: \x01\x02\r\nSubject: ?\r\n\r\nnothing'),
        lineage: { file: 'INBOX#9', line: 9 },
        internalDate: null,
      },
      options,
    );
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'reject', reject: { lineage: { file: 'INBOX#9' } } });
    const r = got[0]!.kind === 'reject' ? got[0]!.reject : null;
    expect(r!.reason).toMatch(/no sender or recipient/);
    expect(r!.raw).toContain('Subject: ?');
  });
});

describe('a letter read by its header block first', () => {
  // The bench's letters (every kind it makes: skipped, outbound, inbound with a signature, with an
  // attachment, in three charsets) and the demo's mailbox (real-looking mail, a bounce, a newsletter).
  const corpus = async (): Promise<RawMessage[]> => {
    const out: RawMessage[] = [];
    for (let i = 0; i < 60; i++)
      out.push({ raw: generated(i), lineage: { file: `bench#${i}`, line: i }, internalDate: new Date() });
    for await (const m of readMailFile(SAMPLE, 'sales-mail.mbox', 'mbox')) out.push(m);
    const more: Letter[] = [
      {
        from: 'Анна <anna@client.ru>',
        to: 'sales@ours.ru',
        subject: 'Без id',
        messageId: null,
        body: 'Текст\n',
      },
      { from: 'sales@ours.ru', to: 'boss@partner.ru', subject: 'Never', body: 'x\n' },
      { from: 'a@ours.ru', to: 'b@ours.ru', subject: 'Internal', body: 'x\n' },
      { from: 'noreply@shop.example', to: 'sales@ours.ru', subject: 'Receipt', body: 'x\n' },
      {
        from: 'sales@ours.ru',
        to: 'Клиент <c@client.ru>',
        subject: 'Счёт',
        body: 'Счёт\n',
        attachment: { name: 'счёт.pdf', size: 900 },
      },
      {
        from: 'sales@ours.ru',
        to: 'c@client.ru',
        subject: 'Отчёт',
        body: '<p>Привет</p>',
        headers: { 'Content-Disposition': 'attachment; filename="a.html"' },
      },
    ];
    for (const l of more)
      out.push({ raw: letter(l), lineage: { file: 'more', line: 1 }, internalDate: new Date() });
    return out;
  };

  it('stages exactly what the whole parse stages, for every body setting, and parses only the head where it can', async () => {
    const letters = await corpus();
    const parse = vi.spyOn(PostalMime, 'parse');
    let headOnly = 0;
    for (const body of ['none', 'snippet', 'full'] as const) {
      for (const m of letters) {
        const whole = await messageItems(m, { ...options, body, parseOrder: 'whole' });
        parse.mockClear();
        const byHead = await messageItems(m, { ...options, body, parseOrder: 'head' });
        expect(byHead, `${m.lineage.file} with body: ${body}`).toEqual(whole);
        if (
          parse.mock.calls.length === 1 &&
          (parse.mock.calls[0]![0] as Uint8Array).byteLength < m.raw.byteLength
        )
          headOnly++;
        const guessed = await messageItems(m, { ...options, body });
        expect(guessed, `${m.lineage.file} with body: ${body}`).toEqual(whole);
      }
    }
    parse.mockRestore();
    // The skipped letters with every setting (a fifth of the bench's), and with body: none the
    // outbound single-part ones too (a third).
    expect(headOnly).toBeGreaterThan(letters.length / 3);
  });
});
