/**
 * Buffers to write batches into, given away whole (each on an ArrayBuffer of its own, so it can
 * be transferred to another thread) and given back once that thread is done with them. Writing
 * into memory used before is cheaper than into fresh memory, which costs a page fault per 4 KB:
 * ~8% of the CSV reader thread's time when every batch had new bytes.
 */
export class BufferPool {
  private readonly spare: Buffer[] = [];

  /** `bytes`: the size handed out, and the smallest kept; `keep`: how many are kept at most. */
  constructor(
    private readonly bytes: number,
    private readonly keep = 16,
  ) {}

  take(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(this.bytes);
  }

  /**
   * A buffer back, to hand out again. Only ordinary sizes are kept: a buffer a huge row grew
   * would hold its memory for the rest of the run.
   */
  give(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (size >= this.bytes && size <= this.bytes * 4 && this.spare.length < this.keep) {
      this.spare.push(Buffer.from(buffer));
    }
  }
}

/** `buffer` with room for `more` bytes after its first `used`: itself, or a bigger copy. */
export function withRoom(buffer: Buffer, used: number, more: number): Buffer {
  if (used + more <= buffer.length) return buffer;
  const bigger = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, used + more));
  buffer.copy(bigger, 0, 0, used);
  return bigger;
}
