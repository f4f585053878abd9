/**
 * A hostile mailbox: one mbox holding a letter nested 1,000 levels deep, one of 10,000 parts,
 * one with a 20 MB attachment, one with a 1 MB header line, one cut short, a block of binary
 * garbage, and good letters before and after; with what each must become. Written at test time
 * (about 28 MB), from a seed.
 */
import fs from 'node:fs';
import { seededRandom } from '../../lib/random.js';
import { letter } from '../email/letters.js';

const FROM_LINE = (n: number) => `From sender@client.ru Thu Mar  7 10:0${n}:02 2024\n`;

function head(id: string, subject: string, extra: string[] = []): string {
  return [
    'From: Ivan Petrov <ivan@client.ru>',
    'To: sales@ours.ru',
    `Subject: ${subject}`,
    'Date: Thu, 07 Mar 2024 10:01:02 +0300',
    `Message-ID: <${id}@client.ru>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join('\n');
}

function nested(levels: number): string {
  const out = [head('deep', 'deep', ['Content-Type: multipart/mixed; boundary="b0"']), ''];
  for (let i = 0; i < levels; i++)
    out.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '');
  out.push(`--b${levels}`, 'Content-Type: text/plain', '', 'the bottom', `--b${levels}--`);
  for (let i = levels - 1; i >= 0; i--) out.push(`--b${i}--`);
  return out.join('\n');
}

function manyParts(parts: number): string {
  const out = [head('parts', 'parts', ['Content-Type: multipart/mixed; boundary="p"']), ''];
  for (let i = 0; i < parts; i++) out.push('--p', 'Content-Type: text/plain', '', `part ${i}`);
  out.push('--p--');
  return out.join('\n');
}

function bigAttachmentHead(): string {
  return [
    head('big', 'price list attached', ['Content-Type: multipart/mixed; boundary="a"']),
    '',
    '--a',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The price list is attached.',
    '--a',
    'Content-Type: application/octet-stream; name="prices.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="prices.bin"',
    '',
  ].join('\n');
}

/** The letters' Message-IDs and outcomes, in the order of the mbox. */
export const MAILBOX = [
  { id: 'good-before', outcome: 'loaded' },
  { id: 'deep', outcome: 'quarantined', reason: /CRM_ETL_MAX_MIME_DEPTH/ },
  { id: 'parts', outcome: 'quarantined', reason: /CRM_ETL_MAX_MIME_PARTS/ },
  { id: 'big', outcome: 'loaded', warning: /CRM_ETL_MAX_MAIL_MB/ },
  { id: 'header', outcome: 'quarantined', reason: /CRM_ETL_MAX_MAIL_HEADER_KB/ },
  { id: 'cut', outcome: 'loaded' },
  { id: null, outcome: 'quarantined', reason: /no sender or recipient address/ },
  { id: 'good-after', outcome: 'loaded' },
] as const;

export const ATTACHMENT_MB = 20;

export function writeHostileMbox(file: string): void {
  const fd = fs.openSync(file, 'w');
  const put = (s: string | Buffer) => fs.writeSync(fd, typeof s === 'string' ? Buffer.from(s) : s);
  const good = (id: string) =>
    letter({
      from: 'Anna <anna@client.ru>',
      to: 'sales@ours.ru',
      subject: id,
      messageId: `${id}@client.ru`,
      body: `letter ${id}`,
    })
      .toString('latin1')
      .replace(/\r\n/g, '\n');
  try {
    put(FROM_LINE(1) + good('good-before') + '\n\n');
    put(FROM_LINE(2) + nested(1_000) + '\n\n');
    put(FROM_LINE(3) + manyParts(10_000) + '\n\n');
    put(FROM_LINE(4) + bigAttachmentHead() + '\n');
    // 20 MB of attachment, base64 in 76-character lines, written a megabyte at a time.
    const random = seededRandom(16);
    const chunk = Buffer.alloc(1_000_002);
    for (let mb = 0; mb < ATTACHMENT_MB; mb++) {
      for (let i = 0; i < chunk.length; i++) chunk[i] = Math.floor(random() * 256);
      put(chunk.toString('base64').replace(/.{76}/g, '$&\n') + '\n');
    }
    put('--a--\n\n');
    put(FROM_LINE(5) + head('header', 'long header', [`X-Junk: ${'x'.repeat(1_000_000)}`]) + '\n\nbody\n\n');
    // Cut in the middle of its base64 text part: no end to the part, no closing boundary.
    put(
      FROM_LINE(6) +
        head('cut', 'cut short', ['Content-Type: multipart/mixed; boundary="c"']) +
        '\n\n--c\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' +
        Buffer.from('This letter was cut in the middle of a sentence and').toString('base64').slice(0, 40) +
        '\n\n',
    );
    // Binary garbage under a `From ` line of its own: no line of it is a separator.
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256);
    put(FROM_LINE(7));
    put(Buffer.from(garbage.toString('latin1').replace(/\nFrom /g, '\nFrxm '), 'latin1'));
    put('\n\n' + FROM_LINE(8) + good('good-after') + '\n');
  } finally {
    fs.closeSync(fd);
  }
}
