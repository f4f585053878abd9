/**
 * One message → what is staged of it: one interaction (keyed by Message-ID, else a hash of its
 * content, so the same letter in INBOX, in Sent or read again after a rebuilt mailbox is one row)
 * and one contact per outside correspondent (keyed by address); or a skip with its reason for mail
 * that is not a conversation; or a quarantine row with the reason and the raw headers for a
 * message that cannot be read.
 */
import { hash } from 'node:crypto';
import { completeNames } from '../canonical/names.js';
import type { ConnectorItem, Lineage, SourceRecord } from '../contract.js';
import { decodeWords } from 'postal-mime';
import { classify, isOwn, OUT_OF_OFFICE, type ClassifyOptions } from './classify.js';
import { mailLimits, overMailLimit, type MailLimits } from './limits.js';
import {
  headerBlock,
  limitBroken,
  mailFacts,
  singleTextPart,
  type Attachment,
  type MailAddress,
  type MailFacts,
} from './mail-facts.js';
import { ownText, parseSignature } from './signature.js';

export interface RawMessage {
  raw: Uint8Array;
  /** file: `INBOX#<uid>` or `letters.mbox#<n>`, so each reject replaces only its own. */
  lineage: Lineage;
  /** When the server (or the mbox `From ` line, the Maildir file name) says it arrived. */
  internalDate: Date | null;
  /** Only the message's head was read (it is bigger than the size limit, CRM_ETL_MAX_MAIL_MB). */
  truncated?: boolean;
  /** The attachments as the server lists them, for a message read only in part. */
  serverAttachments?: Attachment[];
}

export interface RecordOptions extends ClassifyOptions {
  body: 'none' | 'snippet' | 'full';
  /** The mailbox owner (the manager): the IMAP user, or the config's `owner`. */
  owner: string | null;
  region: string;
  /** Read from the environment when not given. */
  limits?: MailLimits;
  /**
   * Tests: `head` parses every letter's header block first, whatever its raw headers suggest,
   * so the path that reads a letter by its head alone is taken wherever it can be; `whole`
   * parses every letter whole, never by its head alone.
   */
  parseOrder?: 'head' | 'whole';
}

const SNIPPET_CHARS = 500;
const KEY_MAX = 200;
const RAW_HEADERS_MAX = 16 * 1024;
/** A Date header this far after the server's arrival time is a sender's wrong clock. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;
const EARLIEST = Date.UTC(1990, 0, 1);

export async function messageItems(msg: RawMessage, options: RecordOptions): Promise<ConnectorItem[]> {
  const limits = options.limits ?? mailLimits();
  // Most of a letter's cost is parsing its body. Its top-level headers alone say whether it is
  // skipped and, with body: none, whether anything of its body is used at all (an outbound
  // letter's text is never read, nor a single text part's attachments): such a letter is parsed
  // as far as its header block only. A letter the headers show to need its body is parsed whole
  // at once, so it does not pay for the headers twice; what the head shows only decides the order.
  const head = headerBlock(msg.raw);
  let whole =
    head.byteLength === msg.raw.byteLength ||
    options.parseOrder === 'whole' ||
    (options.parseOrder !== 'head' && headHint(head, options));
  let mail: MailFacts;
  try {
    mail = await mailFacts(whole ? msg.raw : head, limits, !whole);
  } catch (err) {
    return [parseReject(msg, err, limits)];
  }
  if (mail.from === null && mail.to.length === 0 && mail.cc.length === 0)
    return [reject(msg, 'message has no sender or recipient address that can be read')];
  const skipped = classify(mail, options);
  if (skipped !== null)
    return [{ kind: 'skip', skip: { stream: 'interaction', reason: skipped, lineage: msg.lineage } }];
  if (!whole && needsBody(mail, options)) {
    whole = true;
    try {
      mail = await mailFacts(msg.raw, limits);
    } catch (err) {
      return [parseReject(msg, err, limits)];
    }
  }

  const warnings: string[] = [];
  if (msg.truncated) warnings.push(`message is ${overMailLimit('size', limits)}: only its head was read`);
  const occurredAt = occurredAtOf(mail, msg.internalDate, warnings);
  if (occurredAt === null) return [reject(msg, 'message has no Date header and no arrival time')];

  const outbound = mail.from !== null && isOwn(mail.from.address, options);
  const direction = options.ownDomains.length === 0 ? null : outbound ? 'outbound' : 'inbound';
  const outside = outsideCorrespondents(mail, options);
  // The customer of the letter: its sender when it came in, its first outside recipient when it went out.
  const customer = outbound ? (outside.find((a) => a.address !== mail.from?.address) ?? null) : mail.from;
  const key = messageKey(mail);
  const attachments = msg.truncated ? (msg.serverAttachments ?? mail.attachments) : mail.attachments;
  const attributes: Record<string, string> = {};
  if (attachments.length > 0) attributes.attachments = JSON.stringify(attachments);
  if (msg.truncated) attributes.truncated = 'true';

  const interaction: SourceRecord<'interaction'> = {
    stream: 'interaction',
    sourceKey: key,
    fields: {
      customer_source_key: customer?.address ?? null,
      occurred_at: occurredAt,
      channel: 'email',
      direction,
      subject: mail.subject,
      full_name: customer?.name ?? null,
      email: customer?.address ?? null,
      // The manager: the mailbox's owner, else who of ours sent it or got it.
      owner:
        options.owner ??
        (outbound
          ? (mail.from?.address ?? null)
          : ([...mail.to, ...mail.cc].find((a) => isOwn(a.address, options))?.address ?? null)),
      thread_key: threadKey(mail),
      mail_from: mail.from ? formatAddress(mail.from) : null,
      mail_to: mail.to.length ? mail.to.map(formatAddress).join(', ') : null,
      mail_cc: mail.cc.length ? mail.cc.map(formatAddress).join(', ') : null,
      body: bodyOf(mail.text, options.body),
    },
    attributes,
    lineage: msg.lineage,
    warnings,
  };
  const items: ConnectorItem[] = [{ kind: 'record', record: interaction }];
  for (const person of outside)
    items.push({ kind: 'record', record: contactRecord(person, mail, msg, options) });
  return items;
}

/** Message-ID when it has one (hashed when too long for a key), else a hash of what it says. */
export function messageKey(mail: MailFacts): string {
  if (mail.messageId !== null)
    return mail.messageId.length <= KEY_MAX ? mail.messageId : `mid:${hash('sha1', mail.messageId)}`;
  const what = JSON.stringify([
    mail.from?.address ?? null,
    mail.to.map((a) => a.address),
    mail.cc.map((a) => a.address),
    mail.headers.get('date') ?? null,
    mail.subject,
    mail.text,
  ]);
  return `sha1:${hash('sha1', what)}`;
}

/** The thread's first message by References / In-Reply-To, else the message itself, else its subject. */
export function threadKey(mail: MailFacts): string | null {
  const root = mail.references[0] ?? mail.inReplyTo ?? mail.messageId;
  if (root !== null) return root.length <= KEY_MAX ? root : `mid:${hash('sha1', root)}`;
  const subject = normalizedSubject(mail.subject);
  return subject ? `subject:${subject.slice(0, KEY_MAX)}` : null;
}

/** "Re: Fwd: НА: Заказ №5" → "заказ №5". */
export function normalizedSubject(subject: string | null): string | null {
  if (!subject) return null;
  let s = subject.trim();
  for (;;) {
    const next = s.replace(
      /^(re|fw|fwd|aw|wg|sv|vs|ответ|отв|на|пересл|переслать)\s*(\[\d+\]|\(\d+\))?\s*:\s*/i,
      '',
    );
    if (next === s) break;
    s = next;
  }
  s = s.replace(/\s+/g, ' ').trim().toLowerCase();
  return s.length > 0 ? s : null;
}

function occurredAtOf(mail: MailFacts, internalDate: Date | null, warnings: string[]): string | null {
  const arrived = internalDate && !Number.isNaN(internalDate.getTime()) ? internalDate.getTime() : null;
  if (mail.date !== null) {
    const sent = Date.parse(mail.date);
    const sane =
      sent >= EARLIEST &&
      (arrived === null ? sent <= Date.now() + FUTURE_SLACK_MS : sent <= arrived + FUTURE_SLACK_MS);
    if (sane) return mail.date;
    if (arrived !== null) {
      warnings.push(
        `occurred_at: Date header ${mail.headers.get('date') ?? ''} is not believable; the arrival time is used`,
      );
      return new Date(arrived).toISOString();
    }
    return null;
  }
  if (arrived === null) return null;
  warnings.push('occurred_at: no Date header; the arrival time is used');
  return new Date(arrived).toISOString();
}

function outsideCorrespondents(mail: MailFacts, options: RecordOptions): MailAddress[] {
  const seen = new Map<string, MailAddress>();
  for (const a of [mail.from, ...mail.to, ...mail.cc]) {
    if (a === null || isOwn(a.address, options)) continue;
    if (options.owner !== null && a.address === options.owner.toLowerCase()) continue;
    const known = seen.get(a.address);
    if (!known || (!known.name && a.name)) seen.set(a.address, a);
  }
  return [...seen.values()];
}

/**
 * A correspondent as this letter shows them: address and display name (split into parts); the
 * signature's phone, company and title only from their own letter.
 */
function contactRecord(
  person: MailAddress,
  mail: MailFacts,
  msg: RawMessage,
  options: RecordOptions,
): SourceRecord<'contact'> {
  const values: Record<string, string> = { email: person.address };
  const name = personName(person.name, person.address);
  if (name) values.full_name = name;
  completeNames(values);
  const attributes: Record<string, string> = {};
  if (mail.from?.address === person.address) {
    const signature = parseSignature(mail.text, options.region);
    if (signature) {
      if (signature.phones[0]) values.phone = signature.phones[0];
      if (signature.phones.length > 1) attributes.phones = signature.phones.join(', ');
      if (signature.company) values.company = signature.company;
      if (signature.title) attributes.title = signature.title;
    }
  }
  const sure = values.phone !== undefined || values.company !== undefined || attributes.title !== undefined;
  return {
    stream: 'contact',
    sourceKey: person.address,
    // Only a letter with their signature says more than the address book: the rest never erase it.
    ...(sure ? {} : { ifAbsent: true }),
    fields: {
      email: person.address,
      full_name: values.full_name ?? null,
      last_name: values.last_name ?? null,
      first_name: values.first_name ?? null,
      middle_name: values.middle_name ?? null,
      phone: values.phone ?? null,
      company: values.company ?? null,
      owner: options.owner,
    },
    attributes,
    lineage: msg.lineage,
    warnings: [],
  };
}

/** A display name that names a person: not the address again, not quotes or a role mailbox. */
function personName(name: string | null, address: string): string | null {
  if (!name) return null;
  const clean = name.replace(/^["'\s]+|["'\s]+$/g, '').trim();
  if (!clean || clean.includes('@') || clean.toLowerCase() === address) return null;
  return /\p{L}/u.test(clean) ? clean : null;
}

function formatAddress(a: MailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

function bodyOf(text: string | null, body: RecordOptions['body']): string | null {
  if (body === 'none' || !text) return null;
  if (body === 'full') return text;
  const own = ownText(text).replace(/\s+/g, ' ').trim();
  return own.length > SNIPPET_CHARS ? `${own.slice(0, SNIPPET_CHARS)}…` : own || null;
}

/**
 * Whether what the letter's body holds is used: its text (the body as `body:` keeps it, the hash
 * that keys a letter without a Message-ID, the signature of an outside sender) or its attachments
 * (anything but one inline text part may have some).
 */
function needsBody(mail: MailFacts, options: RecordOptions): boolean {
  if (options.body !== 'none' || mail.messageId === null || !singleTextPart(mail.headers)) return true;
  const from = mail.from?.address;
  return from !== undefined && !isOwn(from, options) && from !== options.owner;
}

/**
 * A cheap guess from the raw header block, before any parse: true when the letter most likely
 * needs its whole body parsed (it will not be skipped, and its body is used), so it is parsed
 * whole at once. Only the cost depends on it: every decision is made on what postal-mime reads.
 */
function headHint(head: Uint8Array, options: RecordOptions): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  const h = hintHeaders(text);
  if (options.body !== 'none') return !likelySkipped(h, text, options);
  const type = h.get('content-type')?.trimStart() ?? '';
  if (!h.has('message-id') || !(type.startsWith('text/plain') || type.startsWith('text/html'))) return true;
  const from = h.get('from') ?? '';
  let outside = false;
  for (const m of from.matchAll(/@([a-z0-9.-]+)/gi)) {
    const d = m[1]!.toLowerCase();
    if (!options.ownDomains.some((own) => d === own || d.endsWith(`.${own}`))) outside = true;
  }
  return outside && !likelySkipped(h, text, options);
}

/** Headers that mark mail classify skips, by their presence alone. */
const SKIP_HEADERS = ['list-id', 'auto-submitted', 'x-autoreply', 'x-autorespond', 'precedence'];
const SKIP_SENDER = /(mailer-daemon|postmaster|mail-daemon|no[-_.]?reply|do[-_.]?not[-_.]?reply)@/i;
const HINT_HEADERS = new Set(['from', 'subject', 'message-id', 'content-type', ...SKIP_HEADERS]);
const HINT_INITIALS = new Set([...HINT_HEADERS].map((name) => name.charCodeAt(0)));

function likelySkipped(h: ReadonlyMap<string, string>, text: string, options: RecordOptions): boolean {
  if (SKIP_HEADERS.some((name) => h.has(name))) return true;
  if (h.get('content-type')?.trimStart().startsWith('multipart/report')) return true;
  if (SKIP_SENDER.test(h.get('from') ?? '')) return true;
  if (options.neverCapture.length > 0) {
    const lower = text.toLowerCase();
    if (options.neverCapture.some((x) => lower.includes(x))) return true;
  }
  const subject = h.get('subject');
  return subject !== undefined && OUT_OF_OFFICE.test(subject.includes('=?') ? decodeWords(subject) : subject);
}

/** The first value of each header the hint looks at, unfolded, by lower-case name: one pass over the lines. */
function hintHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(at);
    if (first === 0x20 || first === 0x09) {
      if (current !== null) out.set(current, out.get(current)! + text.slice(at, end).trimEnd());
    } else {
      current = null;
      const colon = text.indexOf(':', at);
      // Only names as long as the longest one looked at, starting with one of their letters.
      if (colon > at && colon < end && colon - at <= 14 && HINT_INITIALS.has(first | 0x20)) {
        const name = text.slice(at, colon).toLowerCase();
        if (HINT_HEADERS.has(name) && !out.has(name)) {
          out.set(name, text.slice(colon + 1, end).trimEnd());
          current = name;
        }
      }
    }
    at = end + 1;
  }
  return out;
}

function parseReject(msg: RawMessage, err: unknown, limits: MailLimits): ConnectorItem {
  const broken = limitBroken(err);
  if (broken !== null) return reject(msg, `message is ${overMailLimit(broken, limits)}`);
  return reject(msg, `message cannot be parsed: ${(err as Error).message}`);
}

function reject(msg: RawMessage, reason: string): ConnectorItem {
  return {
    kind: 'reject',
    reject: { stream: 'interaction', reason, raw: rawHeaders(msg.raw), lineage: msg.lineage },
  };
}

/** The header block of a raw message, as text, for an operator to see what it was. */
export function rawHeaders(raw: Uint8Array): string {
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, RAW_HEADERS_MAX)).toString(
    'utf8',
  );
  const end = head.search(/\r?\n\r?\n/);
  return end < 0 ? head : head.slice(0, end);
}
