/**
 * Which text encoding a spreadsheet export is in, from its first bytes: a BOM (UTF-8, UTF-16LE/BE),
 * zero-byte patterns (UTF-16 without BOM), strict UTF-8 validity, and for the legacy single-byte
 * Cyrillic code pages (windows-1251, koi8-r, ibm866) the Russian letter frequencies of the text
 * each would decode to. The reported name is one iconv-lite understands.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';

export interface DetectedEncoding {
  /** iconv-lite name: utf-8, utf-16le, utf-16be, windows-1251, koi8-r, ibm866, … */
  encoding: string;
  /** The sample began with a byte-order mark (the decoder strips it). */
  bom: boolean;
}

const CYRILLIC_CODEPAGES = ['windows-1251', 'koi8-r', 'ibm866'] as const;

// Russian letters by falling frequency, and their frequencies in percent.
const RU_LETTERS = 'оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё';
const RU_PERCENT = [
  10.97, 8.45, 8.01, 7.35, 6.7, 6.26, 5.47, 4.73, 4.54, 4.4, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01, 1.9, 1.74,
  1.7, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04,
];
const RU_FREQ: ReadonlyMap<string, number> = new Map([...RU_LETTERS].map((ch, i) => [ch, RU_PERCENT[i]!]));

// Non-letters that real Russian office text does contain (NBSP, dashes, guillemets, №, …).
const PLAUSIBLE_SYMBOLS = new Set('\u00a0«»–—№„“”‘’…•°§©®±×\u00b7');

export function detectEncoding(sample: Uint8Array): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  const utf16 = utf16WithoutBom(sample);
  if (utf16 !== null) return { encoding: utf16, bom: false };
  if (isUtf8(sample)) return { encoding: 'utf-8', bom: false };
  return { encoding: singleByteEncoding(sample), bom: false };
}

/** ASCII-heavy UTF-16 text has a zero byte in every other position. */
function utf16WithoutBom(sample: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.2 && evenZeros < pairs * 0.02) return 'utf-16le';
  if (evenZeros > pairs * 0.2 && oddZeros < pairs * 0.02) return 'utf-16be';
  return null;
}

/** Strict UTF-8 validity; a sequence cut off by the end of the sample is not held against it. */
export function isUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return false;
    if (i + need >= bytes.length) return continuationsOk(bytes, i + 1);
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

function continuationsOk(bytes: Uint8Array, from: number): boolean {
  for (let k = from; k < bytes.length; k++) if ((bytes[k]! & 0xc0) !== 0x80) return false;
  return true;
}

/** Picks the Cyrillic code page whose decoding reads most like Russian; chardet for the rest. */
function singleByteEncoding(sample: Uint8Array): string {
  const high = highByteRegion(sample);
  let best: { encoding: string; score: number; letters: number } | null = null;
  for (const encoding of CYRILLIC_CODEPAGES) {
    const scored = russianScore(iconv.decode(high, encoding));
    if (best === null || scored.score > best.score) best = { encoding, ...scored };
  }
  if (best !== null && best.letters >= 0.5) return best.encoding;
  const guess = chardet.detect(sample);
  if (guess !== null && !/^utf/i.test(guess) && iconv.encodingExists(guess)) return guess.toLowerCase();
  return 'windows-1251';
}

/** The bytes worth scoring: every byte ≥ 0x80 plus a little context is enough; cap the work. */
function highByteRegion(sample: Uint8Array): Buffer {
  return Buffer.from(sample.buffer, sample.byteOffset, Math.min(sample.length, 32 * 1024));
}

/**
 * Average Russian-ness per non-ASCII character: a letter scores its frequency in Russian text
 * (case ignored: the Cyrillic code pages are permutations of one another, so the wrong one turns
 * common letters into rare ones, and ALL-CAPS sheets are common), box-drawing characters and
 * other unlikely symbols cost points. `letters` is the share of characters that were letters.
 */
export function russianScore(text: string): { score: number; letters: number } {
  let score = 0;
  let high = 0;
  let letters = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) continue;
    high++;
    const freq = RU_FREQ.get(ch.toLowerCase());
    if (freq !== undefined) {
      letters++;
      score += freq;
    } else if (!PLAUSIBLE_SYMBOLS.has(ch)) {
      score -= 3;
    }
  }
  return high === 0 ? { score: 0, letters: 0 } : { score: score / high, letters: letters / high };
}
