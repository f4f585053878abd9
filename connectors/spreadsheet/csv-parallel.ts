/**
 * Main-thread side of the CSV worker: a big CSV file is read, split and normalized in a worker
 * thread (csv-worker.ts) while the main thread stages the records it has already received, so
 * the two halves of an import run on two cores. The worker runs dataItemBatches, as the
 * in-thread path does: the same records and rejects, the same counts. Told where they will be
 * staged, it sends records as rows encoded for the engine's bulk path instead, cut into the
 * loader's own batches, so what is staged and counted is still the same. Small files, and any
 * file on a single core, are read in-thread: there the worker's start-up and the hand-over would
 * cost more than they save.
 */
import { statSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, CrmEtlError, SourceError } from '../../lib/errors.js';
import { packStrings, StringReader, type PackedStrings } from '../../lib/packed-strings.js';
import { FIELD_NAMES } from '../canonical/fields.js';
import {
  keepInAttributes,
  type ConnectorItem,
  type EncodedRecords,
  type SourceRecord,
  type StagingEncoding,
} from '../contract.js';
import type { SheetItem } from './record-builder.js';
import type { DataJob, SheetSummary } from './sheet.js';

/** Items per message, and messages the worker may post ahead of the consumer. */
export const BATCH_ITEMS = 500;
export const MAX_AHEAD = 8;
/** Batches taken before the worker is told so (it may then post that many more). */
const CREDIT_EVERY = Math.max(1, Math.floor(MAX_AHEAD / 2));
/** Files below this size are read in-thread. */
const MIN_WORKER_BYTES = 2 * 1024 * 1024;

export interface CsvWorkerData {
  path: string;
  encoding: string;
  delimiter: string;
  trim: boolean;
  job: DataJob;
  /** How staging takes records encoded, when offered: the worker encodes them so. */
  staging: StagingEncoding | undefined;
}

export type WorkerMessage =
  // Items packed by packItems: three transferred buffers cost a fraction of cloning many small
  // objects, and no key is repeated per row. Records as encoded staging rows, when asked for,
  // go in `encoded` (its bytes transferred too).
  | { items: Packed; encoded: EncodedRecords | null; summary: SheetSummary; done: boolean }
  | { error: { name: string; message: string; hint: string | undefined } };

/**
 * To the worker: credit for batches taken, or the bytes of an encoded batch the loader is done
 * with, given back (transferred) for the worker to write its next rows into.
 */
export type ToWorker = { taken: number } | { reuse: ArrayBuffer };

const WORKER_FILE = new URL('./csv-worker.js', import.meta.url);

/**
 * `CRM_ETL_CSV_WORKER=always|never` overrides these rules (tests compare both paths). The
 * worker needs the compiled csv-worker.js; run from TypeScript sources (vitest) it reads in-thread.
 */
export function useWorker(path: string): boolean {
  const mode = process.env.CRM_ETL_CSV_WORKER;
  if (mode === 'never') return false;
  if (WORKER_FILE.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_FILE))) return false;
  if (mode === 'always') return true;
  // The hand-over costs CPU (packing, copying, unpacking): it pays only with a second core.
  if (availableParallelism() < 2) return false;
  try {
    return statSync(path).size >= MIN_WORKER_BYTES;
  } catch {
    return false; // the in-thread reader reports the error
  }
}

export async function* itemsFromWorker(
  data: CsvWorkerData,
  summary: SheetSummary,
): AsyncGenerator<ConnectorItem> {
  const worker = new Worker(WORKER_FILE, {
    workerData: data,
    // Its live data is small and bounded (a few batches, the normalizers' caches): its old space
    // is kept from growing lazily into the process's RSS. The young generation is not: it
    // allocates a burst of short-lived strings per row, and at 16 MB garbage collection took a
    // fifth of its time (32 MB: reading a 200k-row file ≈20% faster, RSS +15 MB).
    resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 256 },
  });
  const inbox: WorkerMessage[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: WorkerMessage) => {
    inbox.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`CSV reader thread stopped (exit code ${code})`);
    notify();
  });
  let taken = 0;
  let finished = false;
  try {
    for (;;) {
      const message = inbox.shift();
      if (message === undefined) {
        if (failure !== null) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('error' in message) throw rebuildError(message.error);
      // Credit goes back in handfuls: a message to the worker cost ~1.3 ms of this thread's
      // time, one per batch taken a sixth of what unpacking the batches cost.
      if (++taken === CREDIT_EVERY) {
        worker.postMessage({ taken } satisfies ToWorker);
        taken = 0;
      }
      const encoded = message.encoded;
      if (encoded !== null) {
        summary.rows += encoded.count;
        summary.records += encoded.count;
        encoded.release = () => {
          const bytes = encoded.text.buffer as ArrayBuffer;
          if (!finished) worker.postMessage({ reuse: bytes } satisfies ToWorker, [bytes]);
        };
        yield { kind: 'encoded', rows: encoded };
      }
      const items = unpackItems(message.items, data.job.ctx);
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        summary.rows++;
        if (item.kind === 'record') summary.records++;
        else summary.rejects++;
        yield item;
      }
      summary.rowsAboveHeader = message.summary.rowsAboveHeader;
      summary.blankRows = message.summary.blankRows;
      if (message.done) return;
    }
  } finally {
    finished = true;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

function rebuildError(e: { name: string; message: string; hint: string | undefined }): Error {
  const options = e.hint === undefined ? {} : { hint: e.hint };
  if (e.name === 'SourceError') return new SourceError(e.message, options);
  if (e.name === 'ConfigError') return new ConfigError(e.message, options);
  if (e.name === 'CrmEtlError') return new CrmEtlError(e.message, options);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/**
 * Items packed for the trip between threads: numbers (item kinds, lines, counts, field ids,
 * numeric values) in one Float64Array, strings packed (lib/packed-strings.ts). Three transferred
 * buffers cost a fraction of cloning many small objects, and no key is repeated per row. Stream
 * and file are the sheet's own (BuildContext).
 */
export interface Packed extends PackedStrings {
  nums: Float64Array;
}

const KIND_RECORD = 0;
const KIND_REJECT = 1;
const VALUE_STRING = 0;
const VALUE_NUMBER = 1;
const VALUE_NULL = 2;
const FIELD_ID: Readonly<Record<string, number>> = Object.fromEntries(FIELD_NAMES.map((f, i) => [f, i]));

/**
 * A record is `RECORD, line, n, (field id, value kind[, number])×n, m, k` with strings
 * `sourceKey, [value]×n, (label, text)×m, warning×k`; a reject `REJECT, line` with `reason, raw`.
 * Key order is kept.
 */
export function packItems(items: readonly SheetItem[]): Packed {
  // Numbers go straight into a typed array (grown by doubling) rather than a JS array copied
  // into one at the end; strings are packed once (packStrings).
  let nums = new Float64Array(items.length * 16 + 16);
  let n = 0;
  const put = (value: number): void => {
    if (n === nums.length) {
      const bigger = new Float64Array(nums.length * 2);
      bigger.set(nums);
      nums = bigger;
    }
    nums[n++] = value;
  };
  const strs: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind === 'reject') {
      const r = item.reject;
      put(KIND_REJECT);
      put(r.lineage.line ?? -1);
      strs.push(r.reason, r.raw);
      continue;
    }
    const r = item.record;
    put(KIND_RECORD);
    put(r.lineage.line ?? -1);
    const countAt = n;
    put(0);
    strs.push(r.sourceKey);
    const fields = r.fields as Record<string, string | number | null | undefined>;
    let count = 0;
    for (const name in fields) {
      const value = fields[name];
      count++;
      put(FIELD_ID[name]!);
      if (typeof value === 'string') {
        put(VALUE_STRING);
        strs.push(value);
      } else if (typeof value === 'number') {
        put(VALUE_NUMBER);
        put(value);
      } else put(VALUE_NULL);
    }
    nums[countAt] = count;
    const labelsAt = n;
    put(0);
    put(r.warnings.length);
    let labels = 0;
    for (const label in r.attributes) {
      labels++;
      strs.push(label, r.attributes[label]!);
    }
    nums[labelsAt] = labels;
    for (const w of r.warnings) strs.push(w);
  }
  const { lens, text } = packStrings(strs);
  return { nums: nums.slice(0, n), lens, text };
}

function detached(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

export function unpackItems(packed: Packed, ctx: DataJob['ctx']): SheetItem[] {
  const { nums } = packed;
  const strings = new StringReader(packed);
  const str = (): string => strings.next();
  const { stream, file } = ctx;
  const items: SheetItem[] = [];
  let n = 0;
  while (n < nums.length) {
    const kind = nums[n++];
    const lineNo = nums[n++]!;
    const line = lineNo === -1 ? null : lineNo;
    if (kind === KIND_REJECT) {
      // Copies, not slices: a reject may be kept a while (rejects file, quarantine batch), and a
      // slice would keep a whole segment of this message's text alive with it.
      const reason = detached(str());
      const raw = detached(str());
      items.push({ kind: 'reject', reject: { stream, reason, raw, lineage: { file, line } } });
      continue;
    }
    const sourceKey = str();
    const fields: Record<string, string | number | null> = {};
    for (let k = nums[n++]!; k > 0; k--) {
      const name = FIELD_NAMES[nums[n++]!]!;
      const valueKind = nums[n++];
      fields[name] = valueKind === VALUE_STRING ? str() : valueKind === VALUE_NUMBER ? nums[n++]! : null;
    }
    const attributeCount = nums[n++]!;
    const warningCount = nums[n++]!;
    const attributes: Record<string, string> = {};
    for (let k = attributeCount; k > 0; k--) {
      const label = str();
      keepInAttributes(attributes, label, str());
    }
    const warnings: string[] = [];
    for (let k = warningCount; k > 0; k--) warnings.push(str());
    const record: SourceRecord = { stream, sourceKey, fields, attributes, lineage: { file, line }, warnings };
    items.push({ kind: 'record', record });
  }
  return items;
}
