/**
 * Letters as mail clients write them, for tests and benches: headers with MIME words in the
 * letter's charset, a body in KOI8-R, Windows-1251 or UTF-8, quoted-printable, base64 or 8bit,
 * attachments; and mbox files with their `From ` lines.
 */
import iconv from 'iconv-lite';

export interface Letter {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  /** RFC 2822 date; null: no Date header. */
  date?: string | null;
  /** null: no Message-ID header. */
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  body: string;
  charset?: 'utf-8' | 'koi8-r' | 'windows-1251';
  encoding?: 'base64' | 'quoted-printable' | '8bit';
  headers?: Record<string, string>;
  attachment?: { name: string; size: number };
  /** A whole other top-level Content-Type (a DSN report): the body is written as given. */
  contentType?: string;
}

let counter = 0;

export function letter(l: Letter): Buffer {
  const charset = l.charset ?? 'utf-8';
  const encoding = l.encoding ?? 'base64';
  const head: string[] = [
    `From: ${words(l.from, charset)}`,
    `To: ${words(l.to, charset)}`,
    ...(l.cc ? [`Cc: ${words(l.cc, charset)}`] : []),
    `Subject: ${words(l.subject, charset)}`,
    ...(l.date === null ? [] : [`Date: ${l.date ?? 'Thu, 07 Mar 2024 10:01:02 +0300'}`]),
    ...(l.messageId === null
      ? []
      : [`Message-ID: <${l.messageId ?? `m${++counter}.${Date.now()}@test.local`}>`]),
    ...(l.inReplyTo ? [`In-Reply-To: <${l.inReplyTo}>`] : []),
    ...(l.references
      ? [
          `References: ${l.references
            .split(' ')
            .map((r) => `<${r}>`)
            .join(' ')}`,
        ]
      : []),
    'MIME-Version: 1.0',
    ...Object.entries(l.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  if (l.contentType) {
    return Buffer.concat([
      Buffer.from([...head, `Content-Type: ${l.contentType}`, '', ''].join('\r\n')),
      Buffer.from(l.body),
    ]);
  }
  const textPart = [
    `Content-Type: text/plain; charset=${charset}`,
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    encodeBody(l.body, charset, encoding),
  ].join('\r\n');
  if (!l.attachment) return Buffer.from([...head, textPart].join('\r\n') + '\r\n', 'latin1');
  const boundary = `b${++counter}`;
  const content = Buffer.alloc(l.attachment.size, 0x41).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      textPart,
      `--${boundary}`,
      `Content-Type: application/pdf; name="${l.attachment.name}"`,
      `Content-Disposition: attachment; filename="${l.attachment.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      content,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** Non-ASCII runs of a header as MIME words (=?koi8-r?B?…?=), the display names included. */
function words(value: string, charset: string): string {
  return value.replace(
    /[\u0080-\uffff]+(?:\s+[\u0080-\uffff]+)*/g,
    (run) => `=?${charset}?B?${iconv.encode(run, charset).toString('base64')}?=`,
  );
}

function encodeBody(text: string, charset: string, encoding: string): string {
  const bytes = iconv.encode(text.replace(/\r?\n/g, '\r\n'), charset);
  if (encoding === 'base64') return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  if (encoding === '8bit') return bytes.toString('latin1');
  let out = '';
  let line = 0;
  for (const b of bytes) {
    const ch =
      b === 0x0d || b === 0x0a
        ? String.fromCharCode(b)
        : b >= 33 && b <= 126 && b !== 61
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (ch === '\n') line = 0;
    else if (line + ch.length > 73) {
      out += '=\r\n';
      line = 0;
    }
    out += ch;
    line += ch === '\r' ? 0 : ch.length;
  }
  return out;
}

/** An mbox of the letters: a `From ` line before each, body lines starting "From " escaped. */
export function mbox(letters: Buffer[], escape = true): Buffer {
  return Buffer.concat(
    letters.flatMap((l, i) => {
      const text = l.toString('latin1').replace(/\r\n/g, '\n');
      const body = escape ? text.replace(/^(>*From )/gm, '>$1') : text;
      return [
        Buffer.from(
          `From sender${i}@example.com Thu Mar  7 10:0${i % 10}:02 2024\n${body}${body.endsWith('\n') ? '' : '\n'}\n`,
          'latin1',
        ),
      ];
    }),
  );
}
