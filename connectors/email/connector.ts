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
import { messageItems, type RawMessage, type RecordOptions } from './records.js';

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
        read: () =>
          batches(
            readMailFile(input.file, input.label, kind, options.limits?.size),
            src.batchSize,
            options,
            () => undefined,
          ),
      };
      yield stream;
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

/**
 * Messages → batches of items, `size` messages each, each with the state `stateOf` gives after
 * it. A message's items are made as the batch is staged, so one batch of letters is held.
 */
async function* batches<S>(
  messages: AsyncIterable<RawMessage>,
  size: number,
  options: RecordOptions,
  stateOf: (last: RawMessage) => S | undefined,
): AsyncGenerator<SourceBatch<S>> {
  let pending: RawMessage[] = [];
  for await (const m of messages) {
    pending.push(m);
    if (pending.length >= size) {
      const last = pending[pending.length - 1]!;
      yield { items: itemsOf(pending, options), state: stateOf(last) };
      pending = [];
    }
  }
  if (pending.length > 0)
    yield { items: itemsOf(pending, options), state: stateOf(pending[pending.length - 1]!) };
}

/**
 * A batch's items: each letter's interaction (or skip, or reject) in order, then one contact per
 * address, the fullest the batch has (the latest with a signature, else one with a name).
 */
export async function* itemsOf(
  messages: readonly RawMessage[],
  options: RecordOptions,
): AsyncGenerator<ConnectorItem> {
  const contacts = new Map<string, SourceRecord>();
  for (const m of messages) {
    for (const item of await messageItems(m, options)) {
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
            for await (const batch of readFolder(client, folder, saved, src.batchSize, log)) {
              yield { items: itemsOf(batch.messages, options), state: batch.state };
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
    await client.logout().catch(() => client.close());
  }
}
