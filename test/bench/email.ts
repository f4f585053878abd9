import fs from 'node:fs';
import path from 'node:path';
import { EmailSourceSchema } from '../../connectors/email/config.js';
import { createLogger } from '../../lib/logger.js';
import { extractSource } from '../../pipelines/extract.js';
import { letter } from '../email/letters.js';
import { PASSWORD, startDovecot } from '../support/dovecot.js';
import { migratedWarehouse } from '../support/engines.js';
import { mailWorkers } from '../../connectors/email/parse-pool.js';
import { cpuTimed, peakRss, rate, timed } from './measure.js';

const USER = 'bench@ours.ru';

/**
 * `npm run bench -- email [messages]`: a mailbox of generated letters (Russian and English, a
 * third outbound, one in twenty with a 20 KB attachment, one in ten a newsletter or auto-reply)
 * written straight into a dovecot Maildir and indexed by the server, then synced over IMAP into
 * a SQLite warehouse. The floor in the same run: imapflow fetching the same messages raw (no
 * parsing, no staging). Then 1% new mail is delivered (into the Maildir's new/) and the
 * incremental run timed, then a run with nothing new.
 */
export async function benchEmail(args: string[]): Promise<void> {
  const messages = Number(args[0] ?? 100_000);
  const server = await startDovecot([USER]);
  const warehouse = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  const logger = createLogger({ level: 'silent' });
  try {
    const written = await timed(async () => writeMaildir(server.maildir(USER), messages));
    server.ownStore();
    const indexed = await timed(async () => {
      const c = await server.client(USER);
      await c.mailboxOpen('INBOX', { readOnly: true });
      await c.logout();
    });
    console.log(
      `wrote ${messages.toLocaleString('en-US')} letters (${(written.value / 2 ** 20).toFixed(0)} MB) into the Maildir in ${written.seconds.toFixed(1)} s; dovecot indexed them in ${indexed.seconds.toFixed(1)} s`,
    );

    // The floor is read twice and the faster run kept: the first read after indexing also warms
    // dovecot's caches, which the sync (run after it) then finds warm.
    const rawFetch = () =>
      cpuTimed(async () => {
        const c = await server.client(USER);
        let n = 0;
        let bytes = 0;
        await c.mailboxOpen('INBOX', { readOnly: true });
        for await (const m of c.fetch('1:*', { uid: true, source: true }, { uid: true })) {
          n++;
          bytes += m.source?.length ?? 0;
        }
        await c.logout();
        return { n, bytes };
      });
    const cold = await rawFetch();
    const warm = await rawFetch();
    const floor = warm.seconds <= cold.seconds ? warm : cold;
    if (floor.value.n !== messages) throw new Error(`the raw fetch read ${floor.value.n} of ${messages}`);

    const src = EmailSourceSchema.parse({
      name: 'bench-mail',
      connector: 'email',
      imap: { host: '127.0.0.1', port: server.port, secure: false, user: USER, password: PASSWORD },
      folders: ['INBOX'],
      ownDomains: ['ours.ru'],
    });
    const ctx = { wh: warehouse.wh, runId: 1, baseDir: '.', defaultRegion: 'RU', logger };
    const memory = peakRss();
    const full = await cpuTimed(() => extractSource(src, ctx));
    const fullRss = memory.stop();
    const inbox = full.value.inputs[0]!;
    if (inbox.rows !== messages) throw new Error(`the sync read ${inbox.rows} of ${messages}`);

    const more = Math.max(1, Math.round(messages / 100));
    // Delivered as a mail server's delivery agent does: new files in the Maildir's new/.
    writeMaildir(server.maildir(USER), more, messages, 'new');
    server.ownStore();
    const incremental = await cpuTimed(() => extractSource(src, { ...ctx, runId: 2 }));
    const still = await cpuTimed(() => extractSource(src, { ...ctx, runId: 3 }));
    if (still.value.inputs[0]!.rows !== 0) throw new Error('a run with no new mail read some');
    const added = incremental.value.inputs[0]!;
    if (added.rows !== more) throw new Error(`the incremental run read ${added.rows} of ${more}`);

    const contacts = inbox.companions?.contact;
    console.log(
      [
        `imapflow raw fetch (the floor):  ${floor.seconds.toFixed(2)} s, ${floor.cpu.toFixed(2)} s CPU (first read ${cold.seconds.toFixed(2)} s) for ${messages.toLocaleString('en-US')} messages, ${(floor.value.bytes / 2 ** 20).toFixed(0)} MB (${rate(messages, floor.seconds).replace('rows', 'msgs')})`,
        `full sync:                       ${full.seconds.toFixed(2)} s, ${full.cpu.toFixed(2)} s CPU (${rate(messages, full.seconds).replace('rows', 'msgs')}), peak RSS ${Math.round(fullRss)} MB, ${mailWorkers()} parse worker(s)`,
        `  ${inbox.loaded.toLocaleString('en-US')} interactions loaded, ${inbox.skipped.toLocaleString('en-US')} skipped ${JSON.stringify(inbox.skippedBy ?? {})}, ${inbox.quarantined} quarantined, ${inbox.duplicates} duplicates; ${contacts?.loaded ?? 0} contacts; ${inbox.batches} batches of ≤ ${src.batchSize}`,
        `  ratio full sync / floor: ${(full.seconds / floor.seconds).toFixed(2)}× (CPU time of this process: ${(full.cpu / floor.cpu).toFixed(2)}×)`,
        `incremental after 1% new mail (${more} letters): ${incremental.seconds.toFixed(2)} s = ${((100 * incremental.seconds) / full.seconds).toFixed(1)}% of the full sync (${incremental.cpu.toFixed(2)} s CPU)`,
        `a run with no new mail (the folder skipped by STATUS): ${still.seconds.toFixed(2)} s`,
      ].join('\n'),
    );
  } finally {
    await warehouse.drop();
    await server.stop();
  }
}

/**
 * Letters numbered from `first` straight into the Maildir: into cur/ as delivered and seen, or
 * into new/ as just delivered (tmp/ first, then renamed, as a delivery agent does); returns the
 * bytes written.
 */
function writeMaildir(dir: string, count: number, first = 0, into: 'cur' | 'new' = 'cur'): number {
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  let bytes = 0;
  for (let i = first; i < first + count; i++) {
    const raw = generated(i);
    bytes += raw.length;
    const name = `${1_700_000_000 + i}.M${i}P1.bench`;
    if (into === 'cur') fs.writeFileSync(path.join(dir, 'cur', `${name}:2,S`), raw);
    else {
      fs.writeFileSync(path.join(dir, 'tmp', name), raw);
      fs.renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
    }
  }
  return bytes;
}

const FIRST = ['Пётр', 'Анна', 'Сергей', 'Ольга', 'John', 'Mary', 'Иван', 'Елена'];
const LAST = ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Smith', 'Brown', 'Соколов', 'Лебедева'];

function generated(i: number): Buffer {
  const customer = `${FIRST[i % 8]} ${LAST[(i >> 3) % 8]} <client${i % 5_000}@company${i % 997}.ru>`;
  const manager = `Менеджер ${i % 7} <m${i % 7}@ours.ru>`;
  const outbound = i % 3 === 2;
  const date = new Date(Date.UTC(2024, 0, 1) + i * 600_000).toUTCString().replace('GMT', '+0000');
  const kind = i % 10;
  return letter({
    from: outbound ? manager : kind === 9 ? 'News <news@vendor.example>' : customer,
    to: outbound ? customer : manager,
    subject: kind === 8 ? `Автоответ: заказ ${i}` : `${i % 2 ? 'Re: ' : ''}Заказ №${i >> 1}`,
    date,
    messageId: `bench${i}@company.ru`,
    ...(i % 2 ? { inReplyTo: `bench${i - 1}@company.ru`, references: `bench${i - 1}@company.ru` } : {}),
    charset: i % 4 === 0 ? 'koi8-r' : i % 4 === 1 ? 'windows-1251' : 'utf-8',
    encoding: i % 2 ? 'quoted-printable' : 'base64',
    headers:
      kind === 9
        ? { 'List-Id': '<news.vendor.example>' }
        : kind === 8
          ? { 'Auto-Submitted': 'auto-replied' }
          : {},
    body:
      `Добрый день!\nПо заказу №${i >> 1}: прошу подтвердить сроки поставки и выставить счёт.\n`.repeat(
        1 + (i % 5),
      ) +
      `\nС уважением,\n${FIRST[i % 8]} ${LAST[(i >> 3) % 8]}\nООО "Компания ${i % 997}"\n+7 912 ${String(1_000_000 + (i % 8_999_999)).slice(0, 3)}-${String(i % 100).padStart(2, '0')}-${String((i >> 2) % 100).padStart(2, '0')}\n`,
    ...(i % 20 === 5 ? { attachment: { name: `invoice-${i}.pdf`, size: 20_000 } } : {}),
  });
}
