/**
 * The e-mail connector: a mailbox's letters become interactions (one per message) and the people
 * outside our domains become contacts (one per address), staged together batch by batch. Over
 * IMAP each folder is a stream read after its saved (UIDVALIDITY, last UID); exported files
 * (.mbox, .eml, a Maildir folder) are streams read whole each time, their letters deduplicated by
 * key. Mail that is not a conversation is counted as skipped with its reason.
 */
import path from 'node:path';
import { SourceError } from '../../lib/errors.js';
import type {
  CheckResult,
  ConnectorContext,
  ConnectorItem,
  ContactFields,
  PullConnector,
  SourceBatch,
  SourceRecord,
  SourceStream,
} from '../contract.js';
import { expandGlob } from '../spreadsheet/config.js';
import { EmailSourceSchema, type EmailSourceConfig } from './config.js';
import { mailFileKind, readMailFile, type MailFileKind } from './file-reader.js';
import { mailLimits } from './limits.js';
import type { FolderState } from './imap-reader.js';
import { openMailParser, type MailParser } from './parse-pool.js';
import type { RawMessage, RecordOptions } from './records.js';

export const emailConnector: PullConnector<EmailSourceConfig> = Object.freeze({
  kind: 'email',
  mode: 'pull',
  configSchema: EmailSourceSchema,

  async check(src: EmailSourceConfig, ctx: ConnectorContext): Promise<CheckResult> {
    if (src.imap) {
      const { checkImap } = await import('./check.js');
      return checkImap(src, src.imap, ctx);
    }
    const inputs = mailInputs(src, ctx.baseDir);
    const ok = inputs.length > 0 && inputs.every((i) => i.kind !== null);
    return {
      ok,
      json: {
        source: src.name,
        connector: 'email',
        ok,
        files: inputs.map((i) => ({ file: i.file, kind: i.kind })),
      },
      text: [
        `Source '${src.name}' (email): ${ok ? 'OK' : 'FAILED'}`,
        inputs.length
          ? inputs.map((i) => `  ${i.file}: ${i.kind ?? 'not an .mbox, .eml or Maildir folder'}`).join('\n')
          : '  no file matches its path',
      ].join('\n'),
    };
  },

  async *streams(src: EmailSourceConfig, ctx: ConnectorContext) {
    const options = recordOptions(src, ctx);
    if (options.ownDomains.length === 0) {
      ctx.logger.warn(
        { source: src.name },
        'ownDomains is not set: letters get no direction, and our own people are taken for correspondents (configure a source of this name with ownDomains, and import with --source it)',
      );
    }
    if (src.imap) {
      yield* imapStreams(src, src.imap, options, ctx);
      return;
    }
    const inputs = mailInputs(src, ctx.baseDir);
    if (inputs.length === 0) {
      const patterns = Array.isArray(src.path) ? src.path : [src.path];
      throw new SourceError(`Source '${src.name}': no file matches ${patterns.join(', ')}`, {
        hint: 'Check the path in the config (relative to the config file)',
      });
    }
    // One parser for all the inputs: its worker threads start once, not once per .eml file.
    const parser = openMailParser(options);
    try {
      for (const input of inputs) {
        if (input.kind === null) {
          yield {
            name: input.label,
            error: new SourceError(
              `${input.label} is not an .mbox or .eml file or a Maildir folder (cur/, new/)`,
            ),
          };
          continue;
        }
        const kind = input.kind;
        const stream: SourceStream = {
          name: input.label,
          stream: 'interaction',
          primaryKey: 'message_id',
          input: input.label,
          quarantineBy: 'record',
          detail: { format: kind },
          read: () => {
            const letters = readMailFile(input.file, input.label, kind, options.limits?.size);
            return parsedBatches(
              letterBatches(letters, src.batchSize, () => undefined),
              parser,
            );
          },
        };
        yield stream;
      }
    } finally {
      await parser.close();
    }
  },

  importConfig(name: string, files: string[], configured: EmailSourceConfig | undefined) {
    // A configured mailbox's settings (our domains, body, never-capture) apply to its exports too.
    const {
      imap: _imap,
      folders: _folders,
      path: _path,
      ...rest
    } = configured ?? ({} as Partial<EmailSourceConfig>);
    return EmailSourceSchema.parse({ ...rest, name, connector: 'email', path: files });
  },

  claimsFile(file: string): boolean {
    return mailFileKind(file) !== null;
  },
});

interface MailInput {
  file: string;
  label: string;
  kind: MailFileKind | null;
}

function mailInputs(src: EmailSourceConfig, baseDir: string): MailInput[] {
  const patterns = src.path === undefined ? [] : Array.isArray(src.path) ? src.path : [src.path];
  return patterns.flatMap((pattern) =>
    expandGlob(path.resolve(baseDir, pattern)).map((file) => ({
      file,
      label: /[*?]/.test(path.basename(pattern)) ? path.relative(baseDir, file) || file : pattern,
      kind: mailFileKind(file),
    })),
  );
}

function recordOptions(src: EmailSourceConfig, ctx: ConnectorContext): RecordOptions {
  const owner = src.owner ?? src.imap?.user ?? null;
  const ownDomains = [...src.ownDomains];
  // The mailbox's own domain is ours even when the config does not list it.
  const ownerDomain = owner?.includes('@') ? owner.slice(owner.lastIndexOf('@') + 1).toLowerCase() : null;
  if (ownerDomain && !ownDomains.includes(ownerDomain)) ownDomains.push(ownerDomain);
  return {
    ownDomains,
    neverCapture: src.neverCapture,
    body: src.body,
    owner: owner?.toLowerCase() ?? null,
    region: ctx.defaultRegion,
    limits: mailLimits(),
  };
}

/** Messages → batches of `size` letters, each with the state `stateOf` gives after it. */
async function* letterBatches<S>(
  messages: AsyncIterable<RawMessage>,
  size: number,
  stateOf: (last: RawMessage) => S | undefined,
): AsyncGenerator<LetterBatch<S>> {
  let pending: RawMessage[] = [];
  for await (const m of messages) {
    pending.push(m);
    if (pending.length >= size) {
      yield { messages: pending, state: stateOf(pending[pending.length - 1]!) };
      pending = [];
    }
  }
  if (pending.length > 0) yield { messages: pending, state: stateOf(pending[pending.length - 1]!) };
}

export interface LetterBatch<S> {
  messages: RawMessage[];
  state: S | undefined;
}

/** Batches read and sent to be parsed ahead of the one being staged (each one more holds another batch of letters). */
const PARSE_AHEAD = 1;

/**
 * Batches of letters → batches of items, in the same order, each with its own state. Up to
 * PARSE_AHEAD batches are read and handed to the parser ahead of the one being staged, so
 * reading, parsing and staging overlap; what a batch stages and the state saved with it are
 * those of the letters it read. A read that fails surfaces after the batches before it.
 */
export async function* parsedBatches<S>(
  source: AsyncIterable<LetterBatch<S>>,
  parser: MailParser,
  ahead: number = PARSE_AHEAD,
): AsyncGenerator<SourceBatch<S>> {
  type Entry =
    { parsed: Promise<ConnectorItem[][]>; state: S | undefined } | { error: unknown } | { done: true };
  const it = source[Symbol.asyncIterator]();
  const queue: Entry[] = [];
  let wake: (() => void) | null = null;
  let room: (() => void) | null = null;
  let stopped = false;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const free = () => {
    const r = room;
    room = null;
    r?.();
  };
  const pump = (async () => {
    try {
      for (;;) {
        while (queue.length >= ahead && !stopped) await new Promise<void>((r) => (room = r));
        if (stopped) return;
        const next = await it.next();
        if (stopped) return;
        if (next.done) {
          queue.push({ done: true });
          return;
        }
        const parsed = parser.parse(next.value.messages);
        parsed.catch(() => undefined); // awaited in turn below; must not go unhandled meanwhile
        queue.push({ parsed, state: next.value.state });
        signal();
      }
    } catch (error) {
      queue.push({ error });
    } finally {
      signal();
    }
  })();
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      const entry = queue.shift()!;
      free();
      if ('done' in entry) return;
      if ('error' in entry) throw entry.error;
      yield { items: mergedItems(await entry.parsed), state: entry.state };
    }
  } finally {
    // The reader is let go (a mailbox's lock released) only once nothing reads from it any more.
    stopped = true;
    free();
    await pump;
    await it.return?.();
  }
}

/**
 * A batch's items: each letter's interaction (or skip, or reject) in order, then one contact per
 * address, the fullest the batch has (the latest with a signature, else one with a name).
 */
export function* mergedItems(perLetter: readonly ConnectorItem[][]): Generator<ConnectorItem> {
  const contacts = new Map<string, SourceRecord>();
  for (const items of perLetter) {
    for (const item of items) {
      if (item.kind !== 'record' || item.record.stream !== 'contact') {
        yield item;
        continue;
      }
      const known = contacts.get(item.record.sourceKey);
      if (!known || !item.record.ifAbsent || (known.ifAbsent && !(known.fields as ContactFields).full_name))
        contacts.set(item.record.sourceKey, item.record);
    }
  }
  for (const record of contacts.values()) yield { kind: 'record', record };
}

async function* imapStreams(
  src: EmailSourceConfig,
  imap: NonNullable<EmailSourceConfig['imap']>,
  options: RecordOptions,
  ctx: ConnectorContext,
): AsyncGenerator<SourceStream | { name: string; error: unknown }> {
  const { openImap, foldersToRead, readFolder, readError } = await import('./imap-reader.js');
  const client = await openImap(imap, src.name, ctx.logger);
  const parser = openMailParser(options);
  try {
    const folders = await foldersToRead(client, src.folders).catch((err: unknown) => {
      throw readError(err, src.name, 'the folder list');
    });
    for (const folder of folders) {
      const log = ctx.logger.child({ source: src.name, folder });
      const stream: SourceStream<FolderState> = {
        name: folder,
        stream: 'interaction',
        primaryKey: 'message_id',
        cursorField: 'uid',
        input: folder,
        quarantineBy: 'record',
        read: async function* (saved) {
          try {
            const letters = readFolder(client, folder, saved, src.batchSize, log);
            for await (const batch of parsedBatches(letters, parser)) {
              yield batch;
              if (ctx.signal?.aborted) return;
            }
          } catch (err) {
            throw readError(err, src.name, folder);
          }
        },
      };
      yield stream;
    }
  } finally {
    await parser.close();
    await client.logout().catch(() => client.close());
  }
}
