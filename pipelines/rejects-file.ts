import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as CsvStringify from 'csv-stringify';
import type { Stringifier } from 'csv-stringify';
import type { RejectedRecord } from '../connectors/contract.js';
import { REJECTS_COLUMNS as COLUMNS } from '../connectors/spreadsheet/rejects-report.js';
// The one function, not the normalize index: that loads libphonenumber's metadata into every run.
import { csvSafe } from '../transforms/normalize/text.js';

/**
 * The rejected-rows CSV an operator opens in a spreadsheet: one line per rejected row with its
 * reason. Written lazily (no rejects, no file) and formula-safe: a cell that a spreadsheet would
 * execute is written with a leading quote.
 */
export class RejectsFile {
  private out: Stringifier | undefined;
  private done: Promise<void> | undefined;
  count = 0;

  constructor(readonly path: string) {}

  /** `--rejects` may name a file or a folder; by default the file sits next to the input. */
  static forInput(input: string, sheet: string | null, rejectsOption?: string): RejectsFile {
    const base =
      path.basename(input).replace(/\.[^.]+$/, '') +
      (sheet ? `.${sheet.replace(/[^\p{L}\p{N}_-]+/gu, '_')}` : '');
    const name = `${base}.rejects.csv`;
    if (!rejectsOption) return new RejectsFile(path.join(path.dirname(input), name));
    const isDir =
      rejectsOption.endsWith(path.sep) ||
      (fs.existsSync(rejectsOption) && fs.statSync(rejectsOption).isDirectory());
    return new RejectsFile(isDir ? path.join(rejectsOption, name) : rejectsOption);
  }

  /**
   * Resolves at once, or, when the file is behind, once it has caught up: the caller awaits it,
   * so rejects never pile up in memory while staging keeps the event loop busy (a 1M-row SQLite
   * import held ~150 MB of unwritten rejects before this waited).
   */
  add(reject: RejectedRecord): Promise<void> | void {
    if (!this.out) {
      fs.mkdirSync(path.dirname(this.path), { recursive: true });
      // Loaded with the first reject: most runs have none.
      const { stringify } = createRequire(import.meta.url)('csv-stringify') as typeof CsvStringify;
      const out = stringify({
        header: true,
        columns: COLUMNS,
        bom: true,
      });
      const file = fs.createWriteStream(this.path);
      out.pipe(file);
      this.done = new Promise((resolve, reject) => file.on('finish', resolve).on('error', reject));
      this.done.catch(() => undefined); // surfaced by add() or close(), not as an unhandled rejection
      this.out = out;
    }
    this.count++;
    const flowing = this.out.write([
      csvSafe(reject.lineage.file ?? ''),
      reject.lineage.line ?? '',
      reject.stream,
      csvSafe(reject.reason),
      csvSafe(reject.raw),
    ]);
    // A write error (disk full) rejects `done` instead of ever draining: the wait ends with it.
    if (!flowing)
      return Promise.race([new Promise<void>((resolve) => this.out!.once('drain', resolve)), this.done!]);
  }

  /** Finishes the file; removes a stale one from an earlier import when there are no rejects now. */
  async close(): Promise<string | null> {
    if (!this.out) {
      fs.rmSync(this.path, { force: true });
      return null;
    }
    this.out.end();
    await this.done;
    return this.path;
  }
}
