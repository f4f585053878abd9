/**
 * Worker-thread side of csv-parallel.ts: reads one CSV file's rows and builds its records and
 * rejects with the very code the main thread would run (readRows → dataItems), posting them in
 * batches. At most MAX_AHEAD batches are posted and not yet taken: memory stays bounded when
 * the main thread (staging) is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SheetItem } from './record-builder.js';
import { readRows } from './csv-reader.js';
import { stagingHash } from '../../warehouse/staging-row.js';
import { dataItems, type SheetInput, type SheetSummary } from './sheet.js';
import { BATCH_ITEMS, packItems, MAX_AHEAD, type CsvWorkerData, type WorkerMessage } from './csv-parallel.js';

const data = workerData as CsvWorkerData;
const port = parentPort!;

let credit = MAX_AHEAD;
let wake: (() => void) | null = null;
port.on('message', (taken: number) => {
  credit += taken;
  wake?.();
  wake = null;
});
const post = async (message: WorkerMessage): Promise<void> => {
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credit--;
  if ('items' in message)
    port.postMessage(message, [
      message.items.nums.buffer as ArrayBuffer,
      message.items.lens.buffer as ArrayBuffer,
      message.items.text.buffer as ArrayBuffer,
    ]);
  else port.postMessage(message);
};

async function run(): Promise<void> {
  const { path, encoding, delimiter, trim, job, stagingSource } = data;
  const input: SheetInput = {
    file: job.ctx.file,
    format: delimiter === '\t' ? 'tsv' : 'csv',
    encoding,
    delimiter,
    sheet: null,
    sample: [],
    rows: (expectedCells) => readRows(path, encoding, { delimiter, trim, expectedCells }),
  };
  const summary: SheetSummary = { rowsAboveHeader: 0, blankRows: 0, rows: 0, records: 0, rejects: 0 };
  let batch: SheetItem[] = [];
  try {
    for await (const item of dataItems(input, job.headerLine, job.ctx, summary, job.expected)) {
      if (stagingSource !== undefined && item.kind === 'record') {
        item.record.stagingHash = { source: stagingSource, hash: stagingHash(item.record, stagingSource) };
      }
      batch.push(item);
      if (batch.length >= BATCH_ITEMS) {
        await post({ items: packItems(batch), summary, done: false });
        batch = [];
      }
    }
  } catch (err) {
    // What was read before the failure reaches the consumer first, as in-thread.
    if (batch.length > 0) await post({ items: packItems(batch), summary, done: false });
    throw err;
  }
  await post({ items: packItems(batch), summary, done: true });
}

run().catch((err: unknown) => {
  const e = err as { name?: string; message?: string; hint?: string };
  port.postMessage({
    error: { name: e.name ?? 'Error', message: e.message ?? String(err), hint: e.hint },
  } satisfies WorkerMessage);
});
