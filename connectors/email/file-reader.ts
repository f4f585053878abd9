/**
 * Exported mail as messages: an mbox file (a `From ` line before each message, read as bytes
 * line by line, so its size does not matter), an .eml file (one message), or a Maildir folder
 * (cur/ and new/, and the Maildir++ subfolders `.Sent` and the like). A message bigger than
 * the size limit (CRM_ETL_MAX_MAIL_MB, see limits.ts) keeps only its head: the attachments that follow are read past, not held.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mailLimits } from './limits.js';
import type { RawMessage } from './records.js';

export type MailFileKind = 'mbox' | 'eml' | 'maildir';

export function mailFileKind(file: string): MailFileKind | null {
  try {
    if (fs.statSync(file).isDirectory()) return isMaildir(file) ? 'maildir' : null;
  } catch {
    return null;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.eml') return 'eml';
  if (ext === '.mbox' || ext === '.mbx' || ext === '.mbs') return 'mbox';
  return null;
}

function isMaildir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'cur')) || fs.existsSync(path.join(dir, 'new'));
}

/** The messages of one input, in the order they are stored. */
export function readMailFile(
  file: string,
  label: string,
  kind: MailFileKind,
  maxBytes: number = mailLimits().size,
): AsyncIterable<RawMessage> {
  if (kind === 'mbox') return readMbox(file, label, maxBytes);
  if (kind === 'eml') return readEml(file, label, maxBytes);
  return readMaildir(file, label, maxBytes);
}

/**
 * `From sender Thu Mar  7 10:01:02 2024`: a separator only after an empty line (or at the start)
 * and with a date where asctime puts it, so an unescaped "From " that opens a line of a letter's
 * text stays text. Lines escaped as `>From ` (mboxo/mboxrd) lose one `>`.
 */
const FROM_LINE =
  /^From \S*\s+(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s+(?:[A-Z]{2,5}\s+|[+-]\d{4}\s+)?(\d{4})/;
const ESCAPED_FROM = /^>+From /;

async function* readMbox(file: string, label: string, maxBytes: number): AsyncGenerator<RawMessage> {
  let parts: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let count = 0;
  let startLine = 0;
  let internalDate: Date | null = null;
  let previousBlank = true;
  let lineNo = 0;
  let open = false;
  const finish = (): RawMessage => {
    count++;
    // The blank line before the next `From ` line belongs to the mbox, not the message.
    let raw: Buffer = Buffer.concat(parts);
    if (!truncated) raw = trimFinalNewline(raw);
    const msg: RawMessage = {
      raw,
      lineage: { file: `${label}#${count}`, line: startLine },
      internalDate,
      truncated,
    };
    parts = [];
    size = 0;
    truncated = false;
    return msg;
  };
  for await (const line of lines(file, maxBytes)) {
    lineNo++;
    const head = line.subarray(0, Math.min(line.length, 200)).toString('latin1');
    if (previousBlank && head.startsWith('From ') && (lineNo === 1 || FROM_LINE.test(head))) {
      if (open) yield finish();
      open = true;
      startLine = lineNo;
      internalDate = fromLineDate(head);
      previousBlank = false;
      continue;
    }
    previousBlank = line.length === 0 || (line.length === 1 && line[0] === 0x0d);
    if (!open) {
      // Text before the first `From ` line: not an mbox after all, or junk at its start.
      if (line.length > 0 && lineNo === 1) open = true;
      else continue;
      startLine = lineNo;
    }
    if (truncated) continue;
    const text = ESCAPED_FROM.test(head) ? line.subarray(1) : line;
    if (size + text.length + 1 > maxBytes) {
      truncated = true;
      continue;
    }
    parts.push(text, NEWLINE);
    size += text.length + 1;
  }
  if (open) yield finish();
}

const NEWLINE = Buffer.from('\n');

function trimFinalNewline(raw: Buffer): Buffer {
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d)) end--;
  return raw.subarray(0, Math.min(raw.length, end + 1));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The arrival time an mbox `From ` line gives (asctime, taken as UTC), or null. */
function fromLineDate(line: string): Date | null {
  const m = FROM_LINE.exec(line);
  if (!m) return null;
  const [h, min, s] = m[3]!.split(':').map(Number);
  const ms = Date.UTC(Number(m[4]), MONTHS.indexOf(m[1]!), Number(m[2]), h!, min!, s ?? 0);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** A file's lines as bytes, without their `\n`; bounded by the longest line, not the file. */
async function* lines(file: string, maxBytes: number): AsyncGenerator<Buffer> {
  let rest: Buffer | null = null;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      yield buf.subarray(start, nl);
      start = nl + 1;
    }
    buf = buf.subarray(start);
    // A line longer than a message may hold is cut; what follows is still read as lines.
    if (buf.length > maxBytes) {
      yield buf;
      buf = Buffer.alloc(0);
    }
    rest = buf.length > 0 ? Buffer.from(buf) : null;
  }
  if (rest) yield rest;
}

async function* readEml(file: string, label: string, maxBytes: number): AsyncGenerator<RawMessage> {
  const stat = await fs.promises.stat(file);
  yield {
    raw: await readHead(file, stat.size, maxBytes),
    lineage: { file: label, line: 1 },
    internalDate: stat.mtime,
    truncated: stat.size > maxBytes,
  };
}

async function readHead(file: string, size: number, maxBytes: number): Promise<Buffer> {
  if (size <= maxBytes) return fs.promises.readFile(file);
  const handle = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buf, 0, maxBytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * A Maildir's messages: the folder's own cur/ and new/, then each Maildir++ subfolder's. A file's
 * name changes with its flags (`…:2,S`): the part before the colon names the message.
 */
async function* readMaildir(dir: string, label: string, maxBytes: number): AsyncGenerator<RawMessage> {
  const folders = [
    '',
    ...fs
      .readdirSync(dir)
      .filter((d) => d.startsWith('.') && isMaildir(path.join(dir, d)))
      .sort(),
  ];
  for (const folder of folders) {
    for (const sub of ['cur', 'new']) {
      const at = path.join(dir, folder, sub);
      if (!fs.existsSync(at)) continue;
      for (const name of fs.readdirSync(at).sort()) {
        const file = path.join(at, name);
        let stat: fs.Stats;
        try {
          stat = await fs.promises.stat(file);
        } catch {
          continue; // moved between cur/ and new/ while we read: met again there
        }
        if (!stat.isFile()) continue;
        const unique = name.split(':')[0]!;
        const stamp = /^(\d{9,11})\./.exec(name);
        yield {
          raw: await readHead(file, stat.size, maxBytes),
          lineage: { file: `${label}#${folder ? `${folder.slice(1)}/` : ''}${unique}`, line: null },
          internalDate: stamp ? new Date(Number(stamp[1]) * 1000) : stat.mtime,
          truncated: stat.size > maxBytes,
        };
      }
    }
  }
}
