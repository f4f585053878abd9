/**
 * Parsing letters off the main thread. Parsing (postal-mime, the signature's phone finder) is
 * most of what a letter costs; the main thread meanwhile reads the mailbox (imapflow) and stages
 * the batch before. A small pool of worker threads (node:worker_threads) takes whole batches:
 * the batch's raw letters are packed into one buffer that is moved, not copied, to the worker,
 * and its items come back one list per letter, in order. The caller keeps batch order, so each
 * batch is still staged, with the position after it, in its own transaction.
 *
 * CRM_ETL_MAIL_WORKERS sets the pool's size (default: the cores but one, at most four; none on
 * two cores or fewer, where a worker measured no faster and cost ~70 MB of RSS, see the README's
 * bench figures); 0 parses on the main thread. So does a run from TypeScript sources (tests), where no
 * compiled worker script sits beside this file.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../lib/errors.js';
import type { Attachment } from './mail-facts.js';
import type { ConnectorItem, Lineage } from '../contract.js';
import type { RawMessage, RecordOptions } from './records.js';

export interface ParseTask {
  id: number;
  /** The batch's letters one after another; `messages[i].length` bytes each. */
  raw: ArrayBuffer;
  messages: Array<{
    length: number;
    lineage: Lineage;
    internalDate: number | null;
    truncated?: boolean;
    serverAttachments?: Attachment[];
  }>;
  options: RecordOptions;
}

export type ParseReply = { id: number; items: ConnectorItem[][] } | { id: number; error: string };

export interface MailParser {
  /** Each letter's items, in the letters' order. */
  parse(messages: readonly RawMessage[]): Promise<ConnectorItem[][]>;
  close(): Promise<void>;
}

const WORKERS_ENV = 'CRM_ETL_MAIL_WORKERS';
const WORKER_SCRIPT = fileURLToPath(new URL('./parse-worker.js', import.meta.url));

/** How many worker threads parse letters: CRM_ETL_MAIL_WORKERS, else the cores but one (none on ≤ 2 cores, at most 4). */
export function mailWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const given = env[WORKERS_ENV];
  if (given === undefined || given.trim() === '')
    return os.availableParallelism() <= 2 ? 0 : Math.min(4, os.availableParallelism() - 1);
  const n = Number(given);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new ConfigError(`${WORKERS_ENV}=${JSON.stringify(given)} is not a number of threads (0–64)`, {
      hint: 'Set it to 0 to parse mail on the main thread, or unset it for the default',
    });
  return n;
}

/**
 * Below this many letters a batch is parsed in-thread while no worker runs yet: a few new
 * letters cost less than starting a thread (unless CRM_ETL_MAIL_WORKERS asks for workers).
 */
const MIN_WORKER_BATCH = 250;

export function openMailParser(options: RecordOptions, env: NodeJS.ProcessEnv = process.env): MailParser {
  const workers = mailWorkers(env);
  const local = inThread(options);
  if (workers === 0 || !fs.existsSync(WORKER_SCRIPT)) return local;
  const pool = new WorkerPool(options, workers);
  const always = (env[WORKERS_ENV] ?? '').trim() !== '';
  return {
    parse: (messages) =>
      always || pool.started || messages.length >= MIN_WORKER_BATCH
        ? pool.parse(messages)
        : local.parse(messages),
    close: () => pool.close(),
  };
}

/**
 * Letters parsed on this thread. The parsing code (postal-mime, libphonenumber's metadata) is
 * loaded with the first letter: a run that finds no new mail never pays for it.
 */
function inThread(options: RecordOptions): MailParser {
  return {
    async parse(messages) {
      if (messages.length === 0) return [];
      const { messageItems } = await import('./records.js');
      const out: ConnectorItem[][] = [];
      for (const m of messages) out.push(await messageItems(m, options));
      return out;
    },
    async close() {},
  };
}

interface Pending {
  resolve(items: ConnectorItem[][]): void;
  reject(err: Error): void;
  worker: PoolWorker;
}

interface PoolWorker {
  thread: Worker;
  busy: number;
}

class WorkerPool implements MailParser {
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  get started(): boolean {
    return this.workers.length > 0;
  }

  constructor(
    private readonly options: RecordOptions,
    private readonly size: number,
  ) {}

  parse(messages: readonly RawMessage[]): Promise<ConnectorItem[][]> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.pick();
    const id = this.nextId++;
    const total = messages.reduce((n, m) => n + m.raw.byteLength, 0);
    const raw = new Uint8Array(total);
    let at = 0;
    for (const m of messages) {
      raw.set(m.raw, at);
      at += m.raw.byteLength;
    }
    const task: ParseTask = {
      id,
      raw: raw.buffer,
      messages: messages.map((m) => ({
        length: m.raw.byteLength,
        lineage: m.lineage,
        internalDate: m.internalDate?.getTime() ?? null,
        ...(m.truncated ? { truncated: true } : {}),
        ...(m.serverAttachments ? { serverAttachments: m.serverAttachments } : {}),
      })),
      options: this.options,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.busy++;
      // A busy worker holds the process open; an idle one must not (a run that ends leaves it).
      worker.thread.ref();
      worker.thread.postMessage(task, [task.raw]);
    });
  }

  async close(): Promise<void> {
    const threads = this.workers.splice(0).map((w) => w.thread);
    await Promise.all(threads.map((t) => t.terminate()));
  }

  /** The least busy worker, started on first need. */
  private pick(): PoolWorker {
    if (this.workers.length < this.size && this.workers.every((w) => w.busy > 0)) {
      const worker: PoolWorker = { thread: new Worker(WORKER_SCRIPT), busy: 0 };
      worker.thread.on('message', (reply: ParseReply) => this.settle(reply));
      worker.thread.on('error', (err) => this.fail(err));
      worker.thread.on('exit', (code) => {
        if (this.workers.includes(worker)) this.fail(new Error(`a mail parse worker exited (code ${code})`));
      });
      worker.thread.unref();
      this.workers.push(worker);
      return worker;
    }
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private settle(reply: ParseReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (--p.worker.busy === 0) p.worker.thread.unref();
    if ('error' in reply) p.reject(new Error(`parsing a batch of letters failed: ${reply.error}`));
    else p.resolve(reply.items);
  }

  /** A worker that dies fails what it had and every later batch: the stream fails, as an error in-thread would. */
  private fail(err: Error): void {
    this.failure ??= new Error(`a mail parse worker failed: ${err.message}`, { cause: err });
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
  }
}
