/**
 * What every connector is and produces. Connectors know nothing of the warehouse: a connector
 * validates its config (a zod schema with its secret fields marked), checks that it can reach its
 * source, and reads named streams as batches of canonical records (strings, numbers, ISO dates,
 * null) with lineage, or rejects with a reason, each batch with the position to save after it.
 * The pipeline stages the batches (warehouse/staging) and saves each position in the same
 * transaction. A push source (web forms) hands batches to a sink as they arrive instead.
 *
 * The one thing staging lends a connector is a way to encode records for the engine's bulk path
 * in a reader thread (StagingEncoding): named, narrow, and asked for, never reached into.
 */
import type { z } from 'zod';
import type { Logger } from '../lib/logger.js';

export type StreamName = 'contact' | 'order' | 'interaction' | 'spend';

export const STREAM_NAMES: readonly StreamName[] = Object.freeze([
  'contact',
  'order',
  'interaction',
  'spend',
]);

/** Where a record came from, precise enough for an operator to find it again. */
export interface Lineage {
  /** File path (as given by the user), mailbox path, table name or endpoint. */
  file: string | null;
  /** 1-based physical line in a text file, row number in a sheet, message UID, or null. */
  line: number | null;
}

/** Canonical fields of a person or organization (stg_contact). Dates are ISO `YYYY-MM-DD`. */
export interface ContactFields {
  first_name?: string | null;
  last_name?: string | null;
  middle_name?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  phone_ext?: string | null;
  company?: string | null;
  tax_id?: string | null;
  personal_id?: string | null;
  birth_date?: string | null;
  /**
   * A birth date known to the month (`YYYY-MM`) or year (`YYYY`) only: the source wrote day 00
   * ("00.05.1980"). Set only when birth_date is empty; identity reads it as partial evidence.
   */
  birth_date_partial?: string | null;
  street?: string | null;
  house?: string | null;
  city?: string | null;
  region?: string | null;
  postcode?: string | null;
  country?: string | null;
  owner?: string | null;
  customer_group?: string | null;
  /** When the record came to be in its source: form submitted, customer created (ISO instant). */
  source_created_at?: string | null;
}

/** Canonical fields of an order (stg_order). Amounts are numbers in `currency`. */
export interface OrderFields {
  customer_source_key?: string | null;
  order_date?: string | null;
  amount?: number | null;
  cost?: number | null;
  currency?: string | null;
  channel?: string | null;
  status?: string | null;
  owner?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  tax_id?: string | null;
}

/** Canonical fields of an interaction (stg_interaction): a mail, a call, a form submission. */
export interface InteractionFields {
  customer_source_key?: string | null;
  occurred_at?: string | null;
  channel?: string | null;
  direction?: string | null;
  subject?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  /** Whose activity it is: the manager, the mailbox owner. */
  owner?: string | null;
  /** What groups a conversation: a mail thread's first Message-ID, else its normalized subject. */
  thread_key?: string | null;
  /** A letter's addresses as its headers give them (`Name <a@b.ru>, …`). */
  mail_from?: string | null;
  mail_to?: string | null;
  mail_cc?: string | null;
  /** The text as the source's config says to keep it (none, a snippet, all). */
  body?: string | null;
  /** A web lead's form name, the page it was sent from and the referrer. */
  form?: string | null;
  page_url?: string | null;
  referrer?: string | null;
  /** A web lead's UTM tags, as the page's URL carried them. */
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
  utm_content?: string | null;
  utm_term?: string | null;
}

/** Canonical fields of marketing spend (stg_spend). */
export interface SpendFields {
  period_start?: string | null;
  period_end?: string | null;
  channel?: string | null;
  campaign?: string | null;
  amount?: number | null;
  currency?: string | null;
}

export interface StreamFields {
  contact: ContactFields;
  order: OrderFields;
  interaction: InteractionFields;
  spend: SpendFields;
}

/** One record read from a source, ready to stage. */
export interface SourceRecord<S extends StreamName = StreamName> {
  stream: S;
  /** Stable key within the source; derived from content when the source has none. */
  sourceKey: string;
  fields: StreamFields[S];
  /** Unmapped source columns, kept verbatim. */
  attributes: Record<string, string>;
  lineage: Lineage;
  /** Values that were present but unusable and dropped, e.g. `birth_date: "31.02.1980" is not a date`. */
  warnings: string[];
  /**
   * A weaker sighting of the record (a letter's recipient, a letter with no signature): staged
   * only when its key is not staged yet, so it never erases what a fuller record said.
   */
  ifAbsent?: boolean;
  /**
   * Other keys under which this ifAbsent record may be staged already (a web lead keyed by the
   * hash of its content and its time window: the same content keyed by the window before). A
   * push source's record whose key or one of these is staged is a duplicate.
   */
  sameAs?: string[];
}

/**
 * Keeps a source column's text in a record's attributes. A column may be titled anything, and
 * `attributes["__proto__"] = text` would set nothing (it is the prototype's setter): that one
 * becomes an own property like any other.
 */
export function keepInAttributes(attributes: Record<string, string>, label: string, text: string): void {
  if (label === '__proto__') {
    Object.defineProperty(attributes, label, {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    attributes[label] = text;
  }
}

/** A row that cannot be staged: goes to stg_quarantine with the reason and the raw row. */
export interface RejectedRecord {
  stream: StreamName;
  reason: string;
  raw: string;
  lineage: Lineage;
}

/**
 * A row read and left out on purpose, not bad input: mail that is not a conversation (an
 * auto-reply, a bounce, a newsletter). Counted with its reason, never staged.
 */
export interface SkippedRecord {
  stream: StreamName;
  reason: string;
  lineage: Lineage;
}

/**
 * What a connector's stream yields: a record to stage, a row it had to reject, a row it left out
 * on purpose, or, from a reader given a StagingEncoding, records already encoded as staging rows.
 * A record of another staging stream than the stream's own (the contacts a mailbox's letters name)
 * is staged into its own table in the same transaction.
 */
export type ConnectorItem =
  | { kind: 'record'; record: SourceRecord }
  | { kind: 'reject'; reject: RejectedRecord }
  | { kind: 'skip'; skip: SkippedRecord }
  | { kind: 'encoded'; rows: EncodedRecords };

/**
 * Records encoded for the engine's bulk path by a RecordEncoder: opaque to connectors, which only
 * count them and move their bytes between threads.
 */
export interface EncodedRecords {
  readonly count: number;
  /** Rows among them that dropped an unusable optional value. */
  readonly withWarnings: number;
  /** The batch's main bytes: the buffer given back (RecordEncoder.reuse) once loaded. */
  readonly text: Uint8Array;
  /** Set by whoever hands the batch on: called once staging is done with its bytes. */
  release?: () => void;
}

/** Encodes records into staging rows: what staging itself would make of them, ready to send. */
export interface RecordEncoder {
  /** Records added since the last take(). */
  readonly rows: number;
  add(record: SourceRecord): void;
  /** The batch so far, and a fresh start. */
  take(): EncodedRecords;
  /** The bytes of an earlier batch that staging is done with, to write into again. */
  reuse(buffer: ArrayBuffer): void;
  /** The buffers a batch is made of, each holding nothing else: to transfer to another thread. */
  buffers(batch: EncodedRecords): ArrayBuffer[];
}

/**
 * Offered by staging to a reader that can do staging's per-row work in a thread of its own (the
 * CSV reader): a module that thread imports, exporting `createRecordEncoder(stream, params)`, and
 * plain data to pass it. Staging checks that what comes back was made for it.
 */
export interface StagingEncoding {
  /** file: URL of the encoder module. */
  readonly module: string;
  /** Structured-cloneable: crosses to the reader thread as it is. */
  readonly params: unknown;
  /** Rows per encoded batch: staging's own, so counts do not depend on who cut the batches. */
  readonly batchRows: number;
}

/** The export of a StagingEncoding's module. */
export type CreateRecordEncoder = (stream: StreamName, params: unknown) => RecordEncoder;

/** What a connector is given to read with. */
export interface ConnectorContext {
  /** Relative paths in a source's config are relative to this folder (the config file's). */
  baseDir: string;
  /** Region for phone numbers without a country code. */
  defaultRegion: string;
  logger: Logger;
  /** A reader stops after the batch in flight when this aborts. */
  signal?: AbortSignal;
  /**
   * How staging would take records of `input` encoded in a reader thread, when it can; readers
   * that cannot use it ignore it.
   */
  stagingEncoding?: (input: string) => StagingEncoding | undefined;
}

/**
 * One batch of a stream: its items and the position to save once they are staged (undefined for
 * a stream that keeps none). The batch and its position commit together, so a run killed between
 * batches resumes after the last committed one.
 */
export interface SourceBatch<State = unknown> {
  items: AsyncIterable<ConnectorItem> | Iterable<ConnectorItem>;
  state?: State;
}

/** A named stream of one source, feeding one staging stream. */
export interface SourceStream<State = unknown> {
  /** Unique within the source, stable across runs: its saved position is kept under it. */
  name: string;
  /** The staging stream it feeds (stg_<stream>). */
  stream: StreamName;
  /** The column or field that identifies a record in the source (becomes source_key). */
  primaryKey: string;
  /** The field whose order the stream is read in incrementally; none: read whole every time. */
  cursorField?: string;
  /** The input as lineage records it (stg_*.file, stg_quarantine.file): a path, `table#…`, a folder. */
  input: string;
  /**
   * `input`: the stream is one input staged whole (a file); its earlier rejects are replaced.
   * `record`: staged batch by batch (a table, a mailbox); each reject replaces only an earlier
   * reject of the same record, filed under the record's own lineage.
   */
  quarantineBy: 'input' | 'record';
  /** Where an operator finds the rejects of a file (a rejects CSV beside it). */
  rejectsReport?: { file: string; sheet: string | null };
  /** What the reader found out about its input (encoding, header row…), for the summary. */
  detail?: Record<string, unknown>;
  /**
   * Batches after `state` (null: from the start). A stream whose saved state no longer fits its
   * definition (a changed query) says so in a warning and starts over.
   */
  read(state: State | null): AsyncIterable<SourceBatch<State>>;
}

/** A stream that could not even be opened: recorded as failed, the others go on. */
export interface FailedStream {
  name: string;
  error: unknown;
}

/** An input left out on purpose (a rejects report among the files), with the reason. */
export interface SkippedInput {
  name: string;
  skipped: string;
}

/** What `crm-etl check <source>` prints: `json` for --json, `text` for a person. */
export interface CheckResult {
  ok: boolean;
  json: Record<string, unknown>;
  text: string;
}

/**
 * Where a push source's batches go: staged (committed) before the promise resolves. Records
 * marked ifAbsent whose key is staged already (a sender's retry) are left out and counted as
 * duplicates, as are repeats of a key within the batch.
 */
export interface PushSink {
  stage(stream: Omit<SourceStream, 'read'>, items: readonly ConnectorItem[]): Promise<StagedCounts>;
  /**
   * Whether a failure of stage() is the warehouse out of reach (a dropped connection, a server
   * down: try again later) rather than something about the batch itself.
   */
  unreachable(err: unknown): boolean;
  /** stage() calls that may run at once: the warehouse's connections (one for SQLite's single writer). */
  readonly concurrency: number;
  /** Which warehouse stage() writes to: a push source's spool is kept for that one only. */
  readonly warehouse?: { engine: string; id: string; display: string };
}

/** A started push source: where it listens, and how to stop it (what is in flight finishes). */
export interface PushHandle {
  /** Where it can be reached, e.g. http://127.0.0.1:8080. */
  url: string;
  stop(): Promise<void>;
}

/** What staging did with one batch: rows = loaded + skipped + quarantined + duplicates. */
export interface StagedCounts {
  rows: number;
  loaded: number;
  skipped: number;
  quarantined: number;
  duplicates: number;
}

/** What every connector has: its kind (the config's `connector:`), its config schema and a check. */
interface ConnectorBase<C extends SourceConfigBase> {
  readonly kind: C['connector'];
  /** `connector: z.literal(kind)`, `name`, and the connector's own keys; secrets marked (secrets.ts). */
  readonly configSchema: z.ZodType<C>;
  /** Connects and reports what it sees; never writes to the source. */
  check(config: C, ctx: ConnectorContext): Promise<CheckResult>;
}

/** A source read when a pipeline runs: streams of batches, incrementally where it can. */
export interface PullConnector<C extends SourceConfigBase = SourceConfigBase> extends ConnectorBase<C> {
  readonly mode: 'pull';
  /**
   * The source's streams, opened one at a time (a file's stream is known once its header is
   * read). Resources the streams share are released when the iteration ends.
   */
  streams(config: C, ctx: ConnectorContext): AsyncIterable<SourceStream | FailedStream | SkippedInput>;
  /**
   * `crm-etl import <file…> --source <name>`: the config that reads these files, from the
   * configured source of that name (or none), with options from the command line.
   */
  importConfig?(
    name: string,
    files: string[],
    configured: C | undefined,
    options: Record<string, unknown>,
  ): C;
  /** Files or folders this connector reads when `import` names them and no source says which. */
  claimsFile?(file: string): boolean;
}

/** A source that sends: started, it hands batches to the sink as they arrive until stopped. */
export interface PushConnector<C extends SourceConfigBase = SourceConfigBase> extends ConnectorBase<C> {
  readonly mode: 'push';
  start(config: C, sink: PushSink, ctx: ConnectorContext): Promise<PushHandle>;
}

export type Connector<C extends SourceConfigBase = SourceConfigBase> = PullConnector<C> | PushConnector<C>;

/** What every source's config has. */
export interface SourceConfigBase {
  name: string;
  connector: string;
}
