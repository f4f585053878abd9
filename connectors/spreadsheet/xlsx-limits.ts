/**
 * Limits on what a workbook inflates to (limits.ts), counted as exceljs's zip parser inflates
 * it: every part's bytes towards the workbook's total, the shared strings part on its own (exceljs
 * holds it in memory), and the longest stretch of a part without a `<` (a text node or a tag: a
 * cell's value, a shared string), so a single 100 MB string is refused at the cell limit, long
 * before it is whole. The first limit crossed stops the inflating (the rest of the input is
 * dropped and the file closed) and fails every read the guard races.
 *
 * exceljs gives no hook for this: its parser (unzipper Parse, fed by our read stream's pipe)
 * pushes each zip entry as a PassThrough stream, whose _transform is wrapped here.
 *
 * The guard also ends reads exceljs never ends on a damaged zip (found by fuzzing): a part whose
 * compressed bytes do not inflate makes the zip parser emit an error that the part's stream, which
 * exceljs waits on, never sees; a part cut short leaves it waiting for bytes that never come.
 * A parser error fails the reads at once; a read still waiting STALL_MS after the whole file has
 * been read, with nothing inflated meanwhile, fails as a damaged workbook.
 */
import type { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { SourceError } from '../../lib/errors.js';
import { limitOf, overLimit } from './limits.js';

const LT = 0x3c;
/** How long a read may wait, once the file has been read whole, with nothing inflated. */
const STALL_MS = 3_000;
const damaged = 'The file may be damaged; open and re-save it in Excel, or export the sheet as CSV';

interface ZipEntry extends Transform {
  path: string;
}

function isZipEntry(chunk: unknown): chunk is ZipEntry {
  return (
    typeof chunk === 'object' &&
    chunk !== null &&
    typeof (chunk as { path?: unknown }).path === 'string' &&
    typeof (chunk as { _transform?: unknown })._transform === 'function'
  );
}

export class InflateGuard {
  private readonly maxTotal = limitOf('unzipped');
  private readonly maxShared = limitOf('sharedStrings');
  private readonly maxRun = limitOf('cell');
  private total = 0;
  private error: SourceError | null = null;
  private reject!: (err: SourceError) => void;
  private readonly stopped: Promise<never>;
  private pending = 0;
  private lastProgress = Date.now();
  private sourceDone = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    private readonly source: Readable,
  ) {
    this.stopped = new Promise<never>((_, reject) => (this.reject = reject));
    this.stopped.catch(() => undefined); // raced by every read; not an unhandled rejection
    source.once('end', () => (this.sourceDone = true));
    this.watchdog = setInterval(() => {
      if (this.pending > 0 && this.sourceDone && Date.now() - this.lastProgress > STALL_MS) {
        this.fail(
          new SourceError(`cannot read workbook ${this.file}: its zip parts end before their data does`, {
            hint: damaged,
          }),
        );
      }
    }, STALL_MS / 4);
    this.watchdog.unref();
  }

  /** Stops watching (the read is over). */
  close(): void {
    clearInterval(this.watchdog);
  }

  /** The limit crossed, if any. */
  get failure(): SourceError | null {
    return this.error;
  }

  /** `read`, or the limit's error as soon as one is crossed (exceljs may never finish after it). */
  race<T>(read: Promise<T>): Promise<T> {
    this.pending++;
    return Promise.race([read, this.stopped]).finally(() => {
      this.pending--;
      this.lastProgress = Date.now();
    });
  }

  /** An async iterator whose every step is raced. */
  iterator<T>(inner: AsyncIterator<T>): AsyncIterator<T> {
    return { next: () => this.race(inner.next()) };
  }

  /** Meters every entry the zip parser pushes. */
  watch(parser: Writable): void {
    const readable = parser as unknown as Readable;
    readable.on('error', (err: Error) => {
      this.fail(
        new SourceError(`cannot read workbook ${this.file}: ${err.message}`, { hint: damaged, cause: err }),
      );
    });
    const push = readable.push.bind(readable);
    readable.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (isZipEntry(chunk)) this.meter(chunk);
      return push(chunk, encoding);
    };
  }

  private meter(entry: ZipEntry): void {
    const transform = entry._transform.bind(entry);
    const shared = /(^|\/)sharedStrings\.xml$/i.test(entry.path);
    let bytes = 0;
    let run = 0;
    entry._transform = (chunk: Buffer, encoding: BufferEncoding, done: TransformCallback) => {
      if (this.error !== null) return done(); // dropped: the read is over
      this.total += chunk.length;
      bytes += chunk.length;
      this.lastProgress = Date.now();
      for (let from = 0; ;) {
        const lt = chunk.indexOf(LT, from);
        run += (lt === -1 ? chunk.length : lt) - from;
        if (lt === -1 || run > this.maxRun) break;
        run = 0;
        from = lt + 1;
      }
      const where = `${entry.path} in ${this.file}`;
      if (run > this.maxRun) this.fail(overLimit('cell', `a value in ${where}`));
      else if (shared && bytes > this.maxShared) this.fail(overLimit('sharedStrings', where));
      else if (this.total > this.maxTotal) this.fail(overLimit('unzipped', this.file));
      if (this.error !== null) return done();
      transform(chunk, encoding, done);
    };
  }

  private fail(error: SourceError): void {
    if (this.error !== null) return;
    this.error = error;
    this.reject(error);
    this.source.destroy();
  }
}
