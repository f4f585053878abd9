/**
 * Many strings as two transferable buffers, for the trip between threads: their lengths, and
 * their characters as UTF-16LE. One flat text clones far faster than many small strings, and
 * transferred buffers are not copied at all.
 *
 * The strings are joined and decoded in segments of up to SEGMENT_CHARS characters (a longer
 * string is a segment of its own): V8 puts strings over 128 KB in large-object space, each one
 * mapped fresh, and a batch of a few hundred rows as one two-byte string is ~150 KB. Decoding it
 * whole took ~7% of the staging thread's time, and joining it ~10% of the reader's (200k rows
 * into SQLite).
 */
export interface PackedStrings {
  lens: Uint32Array;
  /** The strings, joined, as UTF-16LE bytes. */
  text: Uint8Array;
}

const SEGMENT_CHARS = 32 * 1024;

export function packStrings(strs: readonly string[]): PackedStrings {
  const lens = new Uint32Array(strs.length);
  let chars = 0;
  for (let i = 0; i < strs.length; i++) chars += lens[i] = strs[i]!.length;
  const text = new Uint8Array(chars * 2);
  const bytes = Buffer.from(text.buffer);
  // A segment at a time: the same bytes as the whole text written at once.
  for (let from = 0, at = 0; from < strs.length;) {
    const to = segmentEnd(lens, from);
    at += bytes.write(strs.slice(from, to).join(''), at, 'utf16le');
    from = to;
  }
  return { lens, text };
}

/** Reads packed strings back, in order. The strings are slices of their segment's text. */
export class StringReader {
  private readonly lens: Uint32Array;
  private readonly bytes: Buffer;
  private s = 0;
  // The segment being read: its text, the index after its last string, the position in it and
  // in the bytes.
  private segment = '';
  private segmentTo = 0;
  private pos = 0;
  private byte = 0;

  constructor(packed: PackedStrings) {
    this.lens = packed.lens;
    this.bytes = Buffer.from(packed.text.buffer, packed.text.byteOffset, packed.text.byteLength);
  }

  next(): string {
    const s = this.s;
    if (s === this.segmentTo) {
      this.segmentTo = segmentEnd(this.lens, s);
      let chars = 0;
      for (let i = s; i < this.segmentTo; i++) chars += this.lens[i]!;
      this.segment = this.bytes.toString('utf16le', this.byte, this.byte + chars * 2);
      this.byte += chars * 2;
      this.pos = 0;
    }
    const end = this.pos + this.lens[s]!;
    this.s = s + 1;
    const out = this.segment.slice(this.pos, end);
    this.pos = end;
    return out;
  }
}

/** The index after the last string of the segment starting at string `from`. */
function segmentEnd(lens: Uint32Array, from: number): number {
  let to = from + 1;
  for (let chars = lens[from]!; to < lens.length && chars + lens[to]! <= SEGMENT_CHARS; to++) {
    chars += lens[to]!;
  }
  return to;
}
