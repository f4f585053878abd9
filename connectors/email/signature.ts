/**
 * What a letter's signature block says about its author: phone numbers, company and job title.
 * Only what is sure is kept: the block must be marked (the "-- " delimiter or a closing phrase
 * such as "С уважением," / "Best regards,"), phones must be numbers libphonenumber finds valid,
 * a company needs a legal form (ООО, АО, LLC, GmbH…), a title a job word (директор, manager…).
 */
import { findNumbers, type CountryCode } from 'libphonenumber-js/max';

export interface Signature {
  phones: string[];
  company: string | null;
  title: string | null;
}

const CLOSING =
  /^\s*(с уважением|с наилучшими пожеланиями|всего (доброго|хорошего)|best regards|kind regards|warm regards|regards|best wishes|best|thanks|thank you|many thanks|cheers|sincerely|yours sincerely|спасибо|благодарю)[\s,.!]*$/i;
/** Where quoted earlier mail begins: not the author's text any more. */
const QUOTE_START =
  /^(>|-{2,}\s*(original message|исходное сообщение|forwarded message|пересылаемое сообщение)|on .{4,200} wrote:\s*$|.{0,200}(написал|пишет)\(?а?\)?:\s*$|from:\s|от:\s)/i;
const LEGAL_FORM =
  /(^|[\s"«(])(ООО|ОАО|ЗАО|ПАО|АО|НКО|ИП|ФГУП|МУП|LLC|L\.L\.C\.|Ltd\.?|Limited|Inc\.?|GmbH|AG|Corp\.?|Corporation|JSC|PLC|S\.A\.|B\.V\.)($|[\s"»),.])/;
const JOB_WORD =
  /(директор|руководитель|менеджер|начальник|специалист|бухгалтер|инженер|юрист|заместитель|главный|ведущий|аналитик|секретарь|ассистент|координатор|представитель|manager|director|head of|engineer|accountant|officer|president|founder|owner|assistant|specialist|coordinator|representative|consultant|\bceo\b|\bcfo\b|\bcto\b|\bcoo\b)/i;
const MAX_SIGNATURE_LINES = 10;

/** The signature of a letter's own text (quoted mail ignored), or null when none is marked. */
export function parseSignature(text: string | null, region: string): Signature | null {
  if (!text) return null;
  const lines = ownTextLines(text);
  let start = -1;
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 2 * MAX_SIGNATURE_LINES; i--) {
    const line = lines[i]!;
    if (line === '-- ' || line === '--' || CLOSING.test(line)) {
      start = i + 1;
      break;
    }
  }
  if (start < 0) return null;
  const block = lines
    .slice(start, start + MAX_SIGNATURE_LINES)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && l.length <= 120);
  if (block.length === 0) return null;
  return blockSignature(block, region);
}

/**
 * Phone lines already read (by region and text), with the valid numbers the finder found in
 * them: a correspondent's signature repeats letter after letter, and the finder is most of what
 * reading a signature costs. A plain cache, emptied when full.
 */
const phoneLines = new Map<string, readonly string[]>();
const PHONE_LINES_KEPT = 10_000;

function phonesOf(line: string, region: string): readonly string[] {
  const key = `${region}:${line}`;
  const known = phoneLines.get(key);
  if (known !== undefined) return known;
  const found: string[] = [];
  for (const match of findNumbers(line, { defaultCountry: region as CountryCode, v2: true }))
    if (match.number.isValid()) found.push(match.number.number);
  if (phoneLines.size >= PHONE_LINES_KEPT) phoneLines.clear();
  phoneLines.set(key, found);
  return found;
}
/**
 * Fewer digits than this on one line are no phone number libphonenumber finds valid (the
 * shortest valid numbers have 4–5 national digits plus a country code): the finder, which costs
 * far more on a line of Cyrillic text than on a line of digits, is run on the other lines only.
 */
const MIN_PHONE_DIGITS = 5;

/** Whether `line` holds at least `n` ASCII digits: counted, not matched into an array. */
function hasDigits(line: string, n: number): boolean {
  let digits = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= n) return true;
  }
  return false;
}

function blockSignature(block: readonly string[], region: string): Signature | null {
  const phones: string[] = [];
  for (const line of block) {
    if (!hasDigits(line, MIN_PHONE_DIGITS)) continue;
    for (const e164 of phonesOf(line, region)) if (!phones.includes(e164)) phones.push(e164);
  }
  let company: string | null = null;
  let title: string | null = null;
  for (const line of block) {
    if (/@|https?:|www\.|\d{3}/.test(line)) continue; // contact lines, not names of things
    if (company === null && LEGAL_FORM.test(line)) company = line.replace(/^(компания|company)\s*:?\s*/i, '');
    else if (title === null && JOB_WORD.test(line) && line.split(/\s+/).length <= 8)
      title = line.replace(/^(должность|title)\s*:?\s*/i, '').replace(/[,;]$/, '');
  }
  if (phones.length === 0 && company === null && title === null) return null;
  return { phones, company, title };
}

/** The author's own text: everything above the first line of quoted mail. */
export function ownText(text: string): string {
  return ownLines(text).join('\n').trimEnd();
}

/**
 * Every way QUOTE_START can match needs one of these: a line starting with `>` or `-`, or a
 * colon. Most lines of a letter have neither, and are passed without trimming them or running
 * QUOTE_START's backtracking alternatives (`.{0,200}написал:`) over them.
 */
const MAY_QUOTE = /^\s*[->]|:/;

/** ownText(text).split('\n'), without joining the lines to split them again. */
function ownTextLines(text: string): string[] {
  const lines = ownLines(text);
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  if (end === 0) return [''];
  const out = end === lines.length ? lines : lines.slice(0, end);
  out[end - 1] = out[end - 1]!.trimEnd();
  return out;
}

/** The lines of ownText, before its trailing blank space is trimmed. */
function ownLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const quote = lines.findIndex((l) => MAY_QUOTE.test(l) && QUOTE_START.test(l.trim()));
  return quote < 0 ? lines : lines.slice(0, quote);
}
