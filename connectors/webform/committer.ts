/**
 * Group commit: a submission is answered once it is durable, and submissions that arrive while
 * the commits in flight (at most the sink's `concurrency`: one on SQLite's single writer) are
 * busy are committed together by the next one (up to batchSize), so a commit's fixed cost (its
 * round trips, its fsync) is shared instead of paid per request. Durable means staged in the warehouse, or,
 * when the warehouse is out of reach (a failure the sink calls so, or a commit slower than
 * commitTimeout), written and fsynced to the spool. While the spool holds anything, new groups go
 * to it too, and it is drained oldest first, one segment at a time, so leads reach the warehouse
 * in the order they came.
 */
import type { Logger } from '../../lib/logger.js';
import type { ConnectorItem, PushSink, SourceStream, StagedCounts } from '../contract.js';
import type { Spool, SpooledGroup } from './spool.js';

export type Durable = 'stored' | 'spooled';

/** What the committer last saw, for /healthz. */
export interface CommitterHealth {
  /** As of the last commit or drain attempt ('unknown' before the first). */
  warehouse: 'unknown' | 'reachable' | 'unreachable';
  /** The last submissions could be made durable neither in the warehouse nor in the spool (5xx). */
  refusing: boolean;
}

interface Waiting extends SpooledGroup {
  resolve(how: Durable): void;
  reject(err: unknown): void;
}

export interface CommitterOptions {
  sink: PushSink;
  spool: Spool;
  batchSize: number;
  /** Commits in flight at once. */
  concurrency: number;
  commitTimeoutMs: number;
  logger: Logger;
  /** The staging stream a form's submissions go to. */
  streamOf(form: string): Omit<SourceStream, 'read'>;
  /** Told what each staged group came to. */
  onStaged?(form: string, counts: StagedCounts): void;
  onSpooled?(submissions: number): void;
}

const DRAIN_FIRST_DELAY_MS = 500;
const DRAIN_MAX_DELAY_MS = 30_000;

class Unreachable extends Error {}

export class Committer {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  private draining = false;
  private drainTimer: NodeJS.Timeout | null = null;
  private drainDelay = DRAIN_FIRST_DELAY_MS;
  private stopped = false;
  private idle: Array<() => void> = [];
  private state: CommitterHealth = { warehouse: 'unknown', refusing: false };

  constructor(private readonly o: CommitterOptions) {}

  /** Starts draining what an earlier run left in the spool. */
  start(): void {
    if (this.o.spool.pending > 0) this.scheduleDrain(0);
  }

  /** Resolves once the submission's items are durable: stored in the warehouse or spooled. */
  submit(form: string, items: ConnectorItem[]): Promise<Durable> {
    return new Promise<Durable>((resolve, reject) => {
      this.queue.push({ form, items, resolve, reject });
      this.schedulePump();
    });
  }

  /** Submissions waiting for a commit; spool segments, and the submissions in them, waiting for the warehouse. */
  get backlog(): { queued: number; spooled: number; spooledSubmissions: number } {
    return {
      queued: this.queue.length,
      spooled: this.o.spool.pending,
      spooledSubmissions: this.o.spool.pendingSubmissions,
    };
  }

  get health(): CommitterHealth {
    return { ...this.state };
  }

  /** Commits what is queued and waits for the drain in progress; the spool stays for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    while (this.inFlight > 0 || this.queue.length > 0 || this.draining || this.pumpScheduled)
      await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /**
   * Starts the commits on the next turn of the event loop, after every request that is readable
   * now has been read and queued: a synchronous driver (better-sqlite3) blocks the loop while it
   * commits, so requests pile up in the sockets, not in the queue, and starting at once would
   * commit them one by one.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
      this.settle();
    });
  }

  /** Starts commits while there are free slots: what queued meanwhile goes in one batch each. */
  private pump(): void {
    while (this.inFlight < this.o.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.o.batchSize);
      this.inFlight++;
      void this.commitBatch(batch)
        .catch((err: unknown) => {
          this.o.logger.error({ err: withoutValues(err) }, 'web-form commit failed');
          for (const w of batch) w.reject(err);
        })
        .finally(() => {
          this.inFlight--;
          this.schedulePump();
          this.settle();
        });
    }
  }

  private settle(): void {
    if (this.inFlight === 0 && this.queue.length === 0 && !this.draining && !this.pumpScheduled)
      for (const resolve of this.idle.splice(0)) resolve();
  }

  private async commitBatch(batch: Waiting[]): Promise<void> {
    if (this.o.spool.pending === 0) {
      const t0 = performance.now();
      const left = await this.stageAll(batch);
      this.o.logger.debug({ submissions: batch.length, ms: Math.round(performance.now() - t0) }, 'committed');
      if (left.length === 0) {
        this.state.refusing = false;
        return;
      }
      batch = left;
    }
    try {
      await this.o.spool.append(batch.map(({ form, items }) => ({ form, items })));
    } catch (err) {
      // Neither the warehouse nor the disk: the senders are told to try again (5xx).
      this.state.refusing = true;
      for (const w of batch) w.reject(err);
      return;
    }
    this.state.refusing = false;
    this.o.onSpooled?.(batch.length);
    for (const w of batch) w.resolve('spooled');
    this.scheduleDrain(this.drainDelay);
  }

  /**
   * Stages the batch form by form; returns what is left when the warehouse is out of reach. A
   * group that fails for another reason is staged submission by submission, so one bad submission
   * is refused (and retried by its sender) without the others.
   */
  private async stageAll(batch: Waiting[]): Promise<Waiting[]> {
    const groups = new Map<string, Waiting[]>();
    for (const w of batch) groups.set(w.form, [...(groups.get(w.form) ?? []), w]);
    const forms = [...groups.keys()];
    for (let i = 0; i < forms.length; i++) {
      const group = groups.get(forms[i]!)!;
      try {
        await this.stage(
          forms[i]!,
          group.flatMap((w) => w.items),
        );
        for (const w of group) w.resolve('stored');
      } catch (err) {
        if (err instanceof Unreachable) return forms.slice(i).flatMap((f) => groups.get(f)!);
        if (group.length === 1) group[0]!.reject(err);
        else
          for (const [j, w] of group.entries()) {
            try {
              await this.stage(w.form, w.items);
              w.resolve('stored');
            } catch (one) {
              if (one instanceof Unreachable)
                return [...group.slice(j), ...forms.slice(i + 1).flatMap((f) => groups.get(f)!)];
              w.reject(one);
            }
          }
      }
    }
    return [];
  }

  /** Stages one form's items, or throws Unreachable when the warehouse cannot be had in time. */
  private async stage(form: string, items: ConnectorItem[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Unreachable(`commit took over ${this.o.commitTimeoutMs} ms`)),
        this.o.commitTimeoutMs,
      );
    });
    const staging = this.o.sink.stage(this.o.streamOf(form), items);
    // A commit that times out may still land later: staging it again from the spool is a duplicate.
    staging.catch(() => undefined);
    try {
      const counts = await Promise.race([staging, timeout]);
      this.state.warehouse = 'reachable';
      this.o.onStaged?.(form, counts);
    } catch (err) {
      if (err instanceof Unreachable) {
        this.state.warehouse = 'unreachable';
        throw err;
      }
      if (this.o.sink.unreachable(err)) {
        this.state.warehouse = 'unreachable';
        throw new Unreachable('warehouse out of reach', { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleDrain(delay: number): void {
    if (this.stopped || this.drainTimer !== null) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      this.draining = true;
      void this.drainOne()
        .catch((err: unknown) => {
          this.o.logger.error({ err: withoutValues(err) }, 'spool drain failed');
          this.scheduleDrain(DRAIN_MAX_DELAY_MS);
        })
        .finally(() => {
          this.draining = false;
          this.settle();
        });
    }, delay);
  }

  /** Stages the oldest spool segment; on success the next one follows at once. */
  private async drainOne(): Promise<void> {
    if (this.stopped) return;
    const segment = await this.o.spool.oldest();
    if (segment === null) return;
    try {
      for (const group of segment.groups) await this.stage(group.form, group.items);
      await this.o.spool.remove(segment.name);
    } catch (err) {
      if (err instanceof Unreachable) {
        this.drainDelay = Math.min(this.drainDelay * 2, DRAIN_MAX_DELAY_MS);
        this.o.logger.warn(
          { retry_ms: this.drainDelay, spooled: this.o.spool.pending },
          'warehouse still out of reach',
        );
        this.scheduleDrain(this.drainDelay);
        return;
      }
      // A segment the warehouse refuses for itself would block the spool for good: it is set
      // aside (renamed .failed) with the error logged, for an operator to look at.
      this.o.logger.error(
        { err, segment: segment.name },
        'spooled submissions refused by the warehouse; set aside',
      );
      await this.o.spool.setAside(segment.name);
    }
    this.drainDelay = DRAIN_FIRST_DELAY_MS;
    if (this.o.spool.pending > 0) this.scheduleDrain(0);
    else this.o.logger.info('spool drained: the warehouse has every submission');
  }
}

/**
 * An error as it may be logged: its code and the driver's own words, without the statement that
 * knex puts before them (`insert … values (…) - <message>`), which quotes what was submitted.
 */
export function withoutValues(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const cut = message.lastIndexOf(' - ');
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: (cut >= 0 ? message.slice(cut + 3) : message).slice(0, 300),
  };
}
