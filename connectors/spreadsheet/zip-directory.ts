/**
 * The entry names of a zip file, from its central directory at the end of the file (a few KB
 * read, never the whole file). An XLSX is a zip: this tells which worksheet parts the workbook
 * holds, so a read that missed one is an error rather than a silent loss, and a truncated file
 * is refused before streaming starts.
 */
import { open } from 'node:fs/promises';

const EOCD_SIGNATURE = 0x06054b50;
const CD_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** Entry names, null for a zip64 archive (not inspected), or an error message. */
export async function zipEntryNames(path: string): Promise<string[] | null | { error: string }> {
  const dir = await zipDirectory(path);
  return dir === null || 'error' in dir ? dir : dir.names;
}

/**
 * Entry names and the sum of the sizes the directory says they inflate to (a zip bomb that
 * states its size honestly is refused before anything is inflated; one that lies is stopped
 * while inflating, xlsx-limits.ts).
 */
export async function zipDirectory(
  path: string,
): Promise<{ names: string[]; unzipped: number } | null | { error: string }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailSize = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - EOCD_SIZE; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return { error: 'the end of the zip directory is missing (truncated file?)' };
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return null;
    if (cdOffset + cdSize > size)
      return { error: 'the zip directory points past the end of the file (truncated file?)' };
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const names: string[] = [];
    let unzipped = 0;
    let pos = 0;
    for (let n = 0; n < entries; n++) {
      if (pos + 46 > cd.length || cd.readUInt32LE(pos) !== CD_SIGNATURE)
        return { error: 'the zip directory is damaged' };
      const nameLength = cd.readUInt16LE(pos + 28);
      const extraLength = cd.readUInt16LE(pos + 30);
      const commentLength = cd.readUInt16LE(pos + 32);
      unzipped += cd.readUInt32LE(pos + 24);
      names.push(cd.toString('utf8', pos + 46, pos + 46 + nameLength));
      pos += 46 + nameLength + extraLength + commentLength;
    }
    return { names, unzipped };
  } finally {
    await handle.close();
  }
}

/** Worksheet parts of an XLSX, by the entry names. */
export function worksheetParts(names: readonly string[]): string[] {
  return names.filter((n) => /^xl\/worksheets\/[^/]+\.xml$/i.test(n));
}
