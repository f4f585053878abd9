/**
 * A worker thread of the mail parse pool (parse-pool.ts): a batch of raw letters arrives packed in
 * one transferred buffer, each letter is parsed into its items (records.ts, the same code the main
 * thread runs without workers), and the items go back, one list per letter, in the same order.
 */
import { parentPort } from 'node:worker_threads';
import type { ConnectorItem } from '../contract.js';
import { messageItems } from './records.js';
import type { ParseReply, ParseTask } from './parse-pool.js';

parentPort?.on('message', (task: ParseTask) => {
  void parse(task).then((reply) => parentPort!.postMessage(reply));
});

async function parse(task: ParseTask): Promise<ParseReply> {
  try {
    const all = new Uint8Array(task.raw);
    const items: ConnectorItem[][] = [];
    let at = 0;
    for (const m of task.messages) {
      const raw = all.subarray(at, at + m.length);
      at += m.length;
      items.push(
        await messageItems(
          {
            raw,
            lineage: m.lineage,
            internalDate: m.internalDate === null ? null : new Date(m.internalDate),
            truncated: m.truncated,
            serverAttachments: m.serverAttachments,
          },
          task.options,
        ),
      );
    }
    return { id: task.id, items };
  } catch (err) {
    // messageItems turns a letter it cannot read into a reject; this is a fault of our own.
    return { id: task.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}
