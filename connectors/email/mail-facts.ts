/**
 * A message as the connector needs it, whatever it was read from: postal-mime parses the raw
 * bytes (MIME words and bodies in any charset Node's TextDecoder knows: KOI8-R, Windows-1251,
 * UTF-8; quoted-printable and base64), and only what records and classification use is kept.
 * Attachments keep their names and sizes; their content is dropped here, and a message too big
 * to hold arrives cut (see limits.ts, CRM_ETL_MAX_MAIL_MB) with its attachments listed by the server instead.
 */
import PostalMime, { type Address, type Email } from 'postal-mime';
import { mailLimits, type MailLimitName, type MailLimits } from './limits.js';

export interface MailAddress {
  /** Lower-cased. */
  address: string;
  name: string | null;
}

export interface Attachment {
  name: string;
  size: number;
}

export interface MailFacts {
  /** First value of each header, by lower-cased name. */
  headers: Map<string, string>;
  messageId: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string | null;
  /** The Date header as an instant (ISO), or null when missing or unreadable. */
  date: string | null;
  inReplyTo: string | null;
  references: string[];
  text: string | null;
  attachments: Attachment[];
}

/** The limit a postal-mime error code says a letter went over, or null for any other error. */
export function limitBroken(err: unknown): MailLimitName | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EMAXNESTINGDEPTH') return 'depth';
  if (code === 'EMAXPARTCOUNT') return 'parts';
  if (code === 'EMAXHEADERSIZE') return 'headers';
  return null;
}

/**
 * postal-mime counts parts, depth and header bytes as it builds its tree and stops at the first
 * one over, so a hostile letter costs no more than the limits allow (see limitBroken).
 */
export async function mailFacts(
  raw: Uint8Array,
  limits: MailLimits = mailLimits(),
  headOnly = false,
): Promise<MailFacts> {
  const email: Email = await PostalMime.parse(raw, {
    attachmentEncoding: 'arraybuffer',
    maxNestingDepth: limits.depth,
    maxPartCount: limits.parts,
    maxHeadersSize: limits.headers,
  });
  const headers = new Map<string, string>();
  for (const h of email.headers) if (!headers.has(h.key)) headers.set(h.key, h.value);
  return {
    headers,
    messageId: messageIdOf(email.messageId),
    from: mailboxes(email.from ? [email.from] : [])[0] ?? null,
    to: mailboxes(email.to ?? []),
    cc: mailboxes(email.cc ?? []),
    subject: cleanLine(email.subject),
    date: instant(email.date),
    inReplyTo: messageIdOf(email.inReplyTo),
    references: (email.references ?? '')
      .split(/[\s,]+/)
      .map(messageIdOf)
      .filter((id): id is string => id !== null),
    text: headOnly ? null : (email.text ?? (email.html ? htmlText(email.html) : null)),
    attachments: headOnly
      ? []
      : email.attachments.map((a) => ({
          name: a.filename ?? `(${a.mimeType})`,
          size: sizeOf(a.content),
        })),
  };
}

/**
 * A message's header block: its bytes up to and including the empty line that ends the headers
 * (all of it when there is none). postal-mime reads the same top-level headers from it as from
 * the whole message, at a fraction of the cost: no body is decoded.
 */
export function headerBlock(raw: Uint8Array): Uint8Array {
  // A byte loop over the head only: indexOf('\n\n') would scan a whole CRLF letter for nothing.
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return raw.subarray(0, i + 2);
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return raw.subarray(0, i + 3);
  }
  return raw;
}

/**
 * Whether a letter whose top-level headers are these is one text part, inline: postal-mime then
 * finds no attachment in it. Anything else (multipart, another type, a comment or quotes in the
 * type, no Content-Type, any disposition but inline) is "maybe not", and the letter is parsed whole.
 */
export function singleTextPart(headers: ReadonlyMap<string, string>): boolean {
  const type = headers.get('content-type');
  if (type === undefined) return false;
  const value = type.split(';')[0]!.trim();
  if (value !== 'text/plain' && value !== 'text/html') return false;
  const disposition = headers.get('content-disposition');
  return disposition === undefined || /^inline\s*(;|$)/i.test(disposition.trim());
}

/** `<abc@host>` → `abc@host`; null for nothing usable. */
export function messageIdOf(value: string | undefined | null): string | null {
  if (!value) return null;
  const m = /<([^<>\s]+)>/.exec(value);
  const id = (m ? m[1]! : value.trim()).replace(/^<|>$/g, '');
  return id.length > 0 && !/\s/.test(id) ? id : null;
}

function mailboxes(list: readonly Address[]): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list) {
    if ('group' in a && Array.isArray(a.group)) out.push(...mailboxes(a.group));
    else if (typeof a.address === 'string' && a.address.includes('@'))
      out.push({ address: a.address.trim().toLowerCase(), name: cleanLine(a.name) });
  }
  return out;
}

function cleanLine(value: string | undefined | null): string | null {
  if (!value) return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text.length > 0 ? text : null;
}

function instant(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function sizeOf(content: ArrayBuffer | string | Uint8Array): number {
  if (typeof content === 'string') return Buffer.byteLength(content);
  return content.byteLength;
}

/** Text of an HTML-only letter, enough for a snippet and a signature: tags out, entities decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
