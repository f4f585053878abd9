/**
 * Worker-thread side of csv-parallel.ts: reads one CSV file's rows and builds its records and
 * rejects with the very code the main thread would run (readRowBatches → dataItemBatches),
 * posting them in batches; told where they will be staged, it posts records as staging rows
 * encoded for the engine's bulk path (the main thread then only sends bytes or binds values). At
 * most MAX_AHEAD batches are posted and not yet taken: memory stays bounded when the main thread
 * (staging) is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CreateRecordEncoder, EncodedRecords, RecordEncoder } from '../contract.js';
import type { SheetItem } from './record-builder.js';
import { readRowBatches } from './csv-reader.js';
import { dataItemBatches, type SheetInput, type SheetSummary } from './sheet.js';
import {
  BATCH_ITEMS,
  packItems,
  MAX_AHEAD,
  type CsvWorkerData,
  type ToWorker,
  type WorkerMessage,
} from './csv-parallel.js';

const data = workerData as CsvWorkerData;
const port = parentPort!;

let credit = MAX_AHEAD;
let wake: (() => void) | null = null;
let encoder: RecordEncoder | null = null;
port.on('message', (message: ToWorker) => {
  if ('reuse' in message) {
    encoder?.reuse(message.reuse);
    return;
  }
  credit += message.taken;
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
      ...(message.encoded === null ? [] : encoder!.buffers(message.encoded)),
    ]);
  else port.postMessage(message);
};

async function run(): Promise<void> {
  const { path, encoding, delimiter, trim, job, staging } = data;
  const input: SheetInput = {
    file: job.ctx.file,
    format: delimiter === '\t' ? 'tsv' : 'csv',
    encoding,
    delimiter,
    sheet: null,
    sample: [],
    rowBatches: (expectedCells) => readRowBatches(path, encoding, { delimiter, trim, expectedCells }),
  };
  const summary: SheetSummary = { rowsAboveHeader: 0, blankRows: 0, rows: 0, records: 0, rejects: 0 };
  // Told where they will be staged, records leave this thread encoded for the engine's bulk path,
  // and only rejects as items.
  // The encoder is staging's (StagingEncoding): this thread imports the module staging names.
  encoder =
    staging === undefined
      ? null
      : ((await import(staging.module)) as { createRecordEncoder: CreateRecordEncoder }).createRecordEncoder(
          job.ctx.stream,
          staging.params,
        );
  let batch: SheetItem[] = [];
  // Encoded rows go in batches of exactly staging.batchRows (the last one excepted), as the
  // loader would cut them: rejects posted in between do not cut them short.
  const send = async (encoded: EncodedRecords | null, done: boolean) => {
    await post({ items: packItems(batch), encoded, summary, done });
    batch = [];
  };
  const encodedSoFar = () => (encoder !== null && encoder.rows > 0 ? encoder.take() : null);
  try {
    for await (const items of dataItemBatches(input, job.headerLine, job.ctx, summary, job.expected)) {
      for (const item of items) {
        if (item.kind === 'record' && encoder !== null) {
          encoder.add(item.record);
          if (encoder.rows >= staging!.batchRows) await send(encoder.take(), false);
          continue;
        }
        batch.push(item);
        if (batch.length >= BATCH_ITEMS) await send(null, false);
      }
    }
  } catch (err) {
    // What was read before the failure reaches the consumer first, as in-thread.
    if (batch.length > 0 || (encoder?.rows ?? 0) > 0) await send(encodedSoFar(), false);
    throw err;
  }
  await send(encodedSoFar(), true);
}

run().catch((err: unknown) => {
  const e = err as { name?: string; message?: string; hint?: string };
  port.postMessage({
    error: { name: e.name ?? 'Error', message: e.message ?? String(err), hint: e.hint },
  } satisfies WorkerMessage);
});
