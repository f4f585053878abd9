/**
 * A live mailbox over IMAP (imapflow): each folder is read after its saved position — the
 * folder's UIDVALIDITY and the last UID staged — in batches of UIDs, each batch with the position
 * after it. New mail has higher UIDs, so a run reads only that; flags changing moves no UID. A
 * folder whose UIDVALIDITY changed (rebuilt, or deleted and made again) is read from the start,
 * and its letters, keyed by Message-ID, stage as duplicates of themselves.
 */
import { createRequire } from 'node:module';
import type * as Imapflow from 'imapflow';
import type { FetchMessageObject, ImapFlow, MessageStructureObject } from 'imapflow';
import { ConnectionError, SourceError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ImapConfig } from './config.js';
import { mailLimits } from './limits.js';
import type { Attachment } from './mail-facts.js';
import type { RawMessage } from './records.js';

/**
 * imapflow's CommonJS build, the same code as its ES-module one: loaded without resolving and
 * linking its ~120 ES modules one by one, it costs a third less CPU (~0.13 s), which every run of
 * a mailbox pays.
 */
const { ImapFlow: ImapClient } = createRequire(import.meta.url)('imapflow') as typeof Imapflow;

export interface FolderState {
  /** The folder's UIDVALIDITY, as text (IMAP allows 32 bits; imapflow gives a bigint). */
  uidValidity: string;
  lastUid: number;
  /**
   * Saved with a folder's last batch (every UID below it read): its UIDNEXT and, on a server with
   * CONDSTORE, its HIGHESTMODSEQ (text: 63 bits). A later run asks STATUS for them and skips a
   * folder where neither moved, without opening it.
   */
  uidNext?: number;
  highestModseq?: string;
}

export interface FolderInfo {
  path: string;
  specialUse: string | null;
  messages: number | null;
}

/** Connects and logs in; a refused login or an unreachable server is one clear line (exit 3). */
export async function openImap(imap: ImapConfig, source: string, logger: Logger): Promise<ImapFlow> {
  const client = new ImapClient({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth:
      imap.accessToken !== undefined
        ? { user: imap.user, accessToken: imap.accessToken }
        : { user: imap.user, pass: imap.password! },
    tls: { rejectUnauthorized: imap.rejectUnauthorized },
    logger: false,
    disableAutoIdle: true,
    // secure: false still upgrades with STARTTLS where the server offers it.
  });
  // A dropped socket is reported by the command in flight; the event itself must not crash us.
  client.on('error', (err: Error) => logger.debug({ source, err: err.message }, 'IMAP connection error'));
  try {
    await client.connect();
  } catch (err) {
    throw connectError(err, imap, source);
  }
  return client;
}

function connectError(err: unknown, imap: ImapConfig, source: string): Error {
  const e = err as { authenticationFailed?: boolean; code?: string; message?: string; responseText?: string };
  const where = `${imap.host}:${imap.port}`;
  if (e.authenticationFailed) {
    return new ConnectionError(`Source '${source}': ${where} refused the login of ${imap.user}`, {
      hint: `Check the ${imap.accessToken !== undefined ? 'access token' : 'password'} in the environment variable the config names`,
    });
  }
  const error = new ConnectionError(
    `Source '${source}': cannot reach the IMAP server ${where}: ${e.message ?? String(err)}`,
    {
      hint: 'Check imap.host, imap.port and imap.secure',
      cause: err,
    },
  );
  return error;
}

/**
 * An error of a folder's read: a dropped connection becomes a ConnectionError with a socket code,
 * which the runner retries and a retry resumes after the last committed batch.
 */
export function readError(err: unknown, source: string, folder: string): Error {
  const e = err as { code?: string; message?: string };
  const dropped =
    e.code === 'NoConnection' ||
    e.code === 'ECONNRESET' ||
    e.code === 'EPIPE' ||
    e.code === 'ETIMEDOUT' ||
    e.code === 'ClosedAfterConnectTLS' ||
    /connection (closed|not available)|socket|closed unexpectedly/i.test(e.message ?? '');
  if (!dropped) return err instanceof Error ? err : new Error(String(err));
  const error = new ConnectionError(`Source '${source}': the connection dropped while reading ${folder}`, {
    hint: 'The next run resumes after the last staged batch',
    cause: err,
  });
  Object.assign(error, { code: 'ECONNRESET' });
  return error;
}

/** Every folder that holds messages, with its special use (\Sent…) and, when asked, its count. */
export async function listFolders(client: ImapFlow, counts: boolean): Promise<FolderInfo[]> {
  const list = (await client.list()).filter(
    (f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'),
  );
  const out: FolderInfo[] = [];
  for (const f of list) {
    // STATUS per folder: LIST-STATUS answers from what the server had indexed, not what is there.
    const status = counts ? await client.status(f.path, { messages: true }) : false;
    const messages = status ? (status.messages ?? null) : null;
    out.push({ path: f.path, specialUse: f.specialUse ?? null, messages });
  }
  return out;
}

/** The folders a source reads: the config's, else INBOX and the one flagged \Sent. */
export async function foldersToRead(
  client: ImapFlow,
  configured: readonly string[] | undefined,
): Promise<string[]> {
  if (configured) return [...configured];
  const folders = await listFolders(client, false);
  const sent = folders.find((f) => f.specialUse === '\\Sent');
  return ['INBOX', ...(sent ? [sent.path] : [])];
}

export interface FolderBatch {
  messages: RawMessage[];
  state: FolderState;
}

/**
 * A folder's messages after `saved`, `batchSize` at a time. The UIDs to read are listed once
 * (a number each), then fetched range by range: only one batch of message bodies is held.
 * The last batch's state holds the folder's UIDNEXT (and HIGHESTMODSEQ): a folder where they
 * have not moved since is skipped on a server with CONDSTORE (see unchanged).
 */
export async function* readFolder(
  client: ImapFlow,
  folder: string,
  saved: FolderState | null,
  batchSize: number,
  log: Logger,
): AsyncGenerator<FolderBatch> {
  if (saved && (await unchanged(client, folder, saved, log))) return;
  let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>>;
  try {
    lock = await client.getMailboxLock(folder, { readOnly: true });
  } catch (err) {
    if (!client.usable) throw err;
    const said = (err as { responseText?: string }).responseText;
    throw new SourceError(`Folder ${folder} cannot be opened${said ? `: ${said}` : ''}`, {
      hint: 'See the folders `crm-etl check <source>` lists',
      cause: err,
    });
  }
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error(`${folder} could not be opened`);
    const uidValidity = String(mailbox.uidValidity);
    let after = 0;
    if (saved) {
      if (saved.uidValidity === uidValidity) after = saved.lastUid;
      else
        log.warn(
          { folder, was: saved.uidValidity, now: uidValidity },
          'the folder was rebuilt (its UIDVALIDITY changed): reading it again from the start',
        );
    }
    const uidNext = mailbox.uidNext;
    const highestModseq = mailbox.highestModseq === undefined ? undefined : String(mailbox.highestModseq);
    // Read through UIDNEXT - 1: the state after the folder's last batch says so.
    const end = (lastUid: number): FolderState => ({
      uidValidity,
      lastUid,
      ...(uidNext ? { uidNext } : {}),
      ...(highestModseq !== undefined ? { highestModseq } : {}),
    });
    if (mailbox.exists === 0) return;
    // The new messages' UIDs, and the sizes of the few big ones: batches are cut by count and by
    // bytes without listing every message's size (that alone costs half a raw fetch).
    const range = `${after + 1}:*`;
    const uids = ((await client.search({ uid: range }, { uid: true })) || []).filter((u) => u > after);
    const big = ((await client.search({ uid: range, larger: SMALL_BYTES }, { uid: true })) || []).filter(
      (u) => u > after,
    );
    const sizes = new Map<number, number>();
    if (big.length > 0)
      for await (const m of client.fetch(big, { uid: true, size: true }, { uid: true }))
        sizes.set(m.uid, Math.min(m.size ?? 0, mailLimits().size));
    const listed = uids.sort((a, b) => a - b).map((uid) => ({ uid, size: sizes.get(uid) ?? 0 }));
    const chunks = cut(listed, batchSize);
    if (chunks.length === 0) {
      // Nothing new, yet the folder moved (flags changed, mail expunged): the new marks are saved
      // alone, so the next run can skip it by STATUS.
      const marks = end(saved?.uidValidity === uidValidity ? saved.lastUid : 0);
      if (saved && (marks.uidNext !== saved.uidNext || marks.highestModseq !== saved.highestModseq))
        yield { messages: [], state: marks };
      return;
    }
    // The next batch is fetched while the one before is parsed and staged.
    let next: Promise<RawMessage[]> | null = null;
    const prefetch = (i: number) => {
      if (i >= chunks.length) return null;
      const p = fetchChunk(client, folder, chunks[i]!, sizes);
      p.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      return p;
    };
    try {
      next = prefetch(0);
      for (let i = 0; i < chunks.length; i++) {
        const messages = await next!;
        next = prefetch(i + 1);
        const chunk = chunks[i]!;
        const lastUid = chunk[chunk.length - 1]!;
        yield {
          messages,
          state: i === chunks.length - 1 ? end(lastUid) : { uidValidity, lastUid },
        };
      }
    } finally {
      // A batch still in flight when the reader stops is finished (and dropped) before the folder is let go.
      await next?.catch(() => undefined);
    }
  } finally {
    lock.release();
  }
}

/**
 * Whether a folder is as it was after the last batch saved: on a server with CONDSTORE, one
 * STATUS (no SELECT, no SEARCH) for its UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ. Neither mark
 * moved: nothing happened. Only HIGHESTMODSEQ moved: flags changed or mail was expunged, which
 * is no new mail either. Any doubt (no CONDSTORE, marks not saved yet, STATUS refused) reads the
 * folder after its last UID as before.
 */
async function unchanged(
  client: ImapFlow,
  folder: string,
  saved: FolderState,
  log: Logger,
): Promise<boolean> {
  if (saved.uidNext === undefined || saved.highestModseq === undefined) return false;
  if (!client.enabled.has('CONDSTORE') && !client.capabilities.has('CONDSTORE')) return false;
  let status: Awaited<ReturnType<ImapFlow['status']>>;
  try {
    status = await client.status(folder, { uidValidity: true, uidNext: true, highestModseq: true });
  } catch (err) {
    if (!client.usable) throw err;
    return false; // the folder is opened next, and a folder that cannot be says why
  }
  if (!status || status.uidValidity === undefined || String(status.uidValidity) !== saved.uidValidity)
    return false;
  if (status.uidNext === undefined || status.highestModseq === undefined) return false;
  if (status.uidNext !== saved.uidNext) return false;
  const flagsOnly = String(status.highestModseq) !== saved.highestModseq;
  log.debug({ folder, uidNext: status.uidNext, flagsOnly }, 'no new mail since the last run: folder skipped');
  return true;
}

/**
 * At most this many bytes of big messages in one batch, besides at most `batchSize` small ones
 * (under SMALL_BYTES each): two batches are held at a time, one staged while the next is fetched.
 */
const BATCH_BYTES = 16 * 1024 * 1024;
const SMALL_BYTES = 64 * 1024;

/** UIDs in batches of at most `count` messages and BATCH_BYTES of big ones (a bigger message alone). */
function cut(listed: ReadonlyArray<{ uid: number; size: number }>, count: number): number[][] {
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let bytes = 0;
  for (const m of listed) {
    if (chunk.length > 0 && (chunk.length >= count || bytes + m.size > BATCH_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m.uid);
    bytes += m.size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** One batch's messages, each cut at the size limit (CRM_ETL_MAX_MAIL_MB); a cut one's attachments from its structure. */
async function fetchChunk(
  client: ImapFlow,
  folder: string,
  chunk: readonly number[],
  bigSizes: ReadonlyMap<number, number>,
): Promise<RawMessage[]> {
  const wanted = new Set(chunk);
  const fetched: FetchMessageObject[] = [];
  // Read once a batch: reading the environment for every message cost ~0.1 s per 100,000.
  const maxSize = mailLimits().size;
  // A partial fetch (BODY[]<0.n>) costs the server more than the whole message: only for big ones.
  const anyBig = chunk.some((uid) => bigSizes.has(uid));
  for await (const m of client.fetch(
    `${chunk[0]}:${chunk[chunk.length - 1]}`,
    anyBig
      ? { uid: true, internalDate: true, size: true, source: { maxLength: maxSize } }
      : { uid: true, internalDate: true, source: true },
    { uid: true },
  )) {
    if (wanted.has(m.uid)) fetched.push(m);
  }
  const big = fetched.filter((m) => (m.size ?? 0) > maxSize).map((m) => m.uid);
  const structure = new Map<number, Attachment[]>();
  if (big.length > 0) {
    for await (const m of client.fetch(big, { uid: true, bodyStructure: true }, { uid: true }))
      if (m.bodyStructure) structure.set(m.uid, attachmentsOf(m.bodyStructure));
  }
  fetched.sort((a, b) => a.uid - b.uid);
  return fetched.map((m) => ({
    raw: m.source ?? Buffer.alloc(0),
    lineage: { file: `${folder}#${m.uid}`, line: m.uid },
    internalDate: m.internalDate ? new Date(m.internalDate) : null,
    truncated: (m.size ?? 0) > maxSize,
    serverAttachments: structure.get(m.uid),
  }));
}

/** Attachment names and sizes from a body structure (no content fetched). */
function attachmentsOf(node: MessageStructureObject): Attachment[] {
  const out: Attachment[] = [];
  const walk = (n: MessageStructureObject) => {
    if (n.childNodes?.length) return n.childNodes.forEach(walk);
    const name = n.dispositionParameters?.filename ?? n.parameters?.name;
    if (n.disposition === 'attachment' || name) out.push({ name: name ?? `(${n.type})`, size: n.size ?? 0 });
  };
  walk(node);
  return out;
}
