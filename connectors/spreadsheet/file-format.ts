/**
 * Opens a spreadsheet file for detection: reads only its first bytes, says whether it is text
 * (CSV/TSV) or an XLSX workbook, and turns unreadable or unsupported files into one-line
 * SourceErrors that say what to do.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { SourceError } from '../../lib/errors.js';

/** Detection never reads more than this from the start of a file. */
export const SAMPLE_BYTES = 64 * 1024;

export interface FileHead {
  kind: 'text' | 'xlsx';
  /** The first SAMPLE_BYTES bytes (or the whole file when smaller). */
  sample: Buffer;
  /** The sample is the whole file. */
  complete: boolean;
}

const TEXT_EXTENSIONS = new Set(['.csv', '.tsv', '.tab', '.txt', '.dat', '']);

export async function readHead(path: string): Promise<FileHead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory())
      throw new SourceError(`${path} is a directory`, { hint: 'Give the path of a CSV, TSV or XLSX file' });
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, stat.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const sample = buffer.subarray(0, bytesRead);
    return { kind: kindOf(path, sample), sample, complete: bytesRead >= stat.size };
  } catch (err) {
    throw err instanceof SourceError ? err : unreadable(path, err);
  } finally {
    await handle.close();
  }
}

function kindOf(path: string, sample: Buffer): 'text' | 'xlsx' {
  const ext = extname(path).toLowerCase();
  const magic = sample.subarray(0, 8);
  if (magic.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    if (sample.includes('mimetypeapplication/vnd.oasis.opendocument')) {
      throw new SourceError(`${path} is an OpenDocument spreadsheet, which is not supported`, {
        hint: 'Save it as .xlsx or CSV and import that',
      });
    }
    return 'xlsx';
  }
  if (magic.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new SourceError(
      `${path} is an Excel 97-2003 (.xls) or password-protected workbook, which is not supported`,
      {
        hint: 'Open it in Excel or LibreOffice, remove the password if any, and save it as .xlsx or CSV',
      },
    );
  }
  if (sample.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw new SourceError(`${path} is a PDF, not a spreadsheet`, { hint: 'Export the data as CSV or XLSX' });
  }
  if (ext === '.xlsx' || ext === '.xlsm') {
    throw new SourceError(`${path} is not a valid XLSX workbook (it is not a zip file)`, {
      hint: 'The file may be damaged or misnamed; open and re-save it in Excel',
    });
  }
  if (!TEXT_EXTENSIONS.has(ext) && looksBinary(sample)) {
    throw new SourceError(`${path} is not a CSV, TSV or XLSX file`, {
      hint: 'Export the data as CSV or XLSX',
    });
  }
  return 'text';
}

/** NUL bytes outside a UTF-16 pattern, or many control bytes: not text. */
function looksBinary(sample: Buffer): boolean {
  if (
    sample.length >= 2 &&
    ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))
  ) {
    return false;
  }
  let control = 0;
  for (const b of sample.subarray(0, 4096)) if (b < 9 || (b > 13 && b < 32)) control++;
  return control > Math.min(sample.length, 4096) * 0.1;
}

function unreadable(path: string, err: unknown): SourceError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : ((err as Error | undefined)?.message ?? String(err));
  return new SourceError(`cannot read ${path}: ${why}`, {
    hint: 'Check the file path and permissions',
    cause: err,
  });
}
