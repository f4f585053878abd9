import fs from 'node:fs';

/** The columns of a rejects report (pipelines/rejects-file.ts writes them), its header line as written. */
export const REJECTS_COLUMNS = ['file', 'line', 'stream', 'reason', 'raw'];
const HEADER = REJECTS_COLUMNS.join(',');

/**
 * Whether a file is a rejects report written by `crm-etl import` (its header, after the BOM the
 * report starts with). Such a file lists rows with their reasons, each raw row in one cell: there
 * is nothing in it to stage, and a glob over a folder of exports picks it up.
 */
export function isRejectsReport(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(64);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    const text = head
      .subarray(0, read)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.startsWith(`${HEADER}\n`) || text.startsWith(`${HEADER}\r\n`);
  } catch {
    return false; // the reader reports why it cannot read the file
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export const REJECTS_REPORT_REASON =
  'a rejects report of an earlier import, not a sheet to stage: fix those rows in the file they came from and import that';
