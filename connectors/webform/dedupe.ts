/**
 * The key of a submission that comes without the sender's id: the hash of its content and of the
 * window it arrived in, so a retry of the same content within the window is the same lead (and
 * counted a duplicate when staged), and the same content next week is a new one. A retry that
 * crosses a window's edge still finds the first key here, in memory, for as long as the window
 * lasts; after a restart the window's number alone decides.
 */
export class ContentKeys {
  private readonly recent = new Map<string, { key: string; until: number }>();

  constructor(private readonly windowMs: number) {}

  keyFor(hash: string, nowMs: number): string {
    // Oldest first (insertion order): drop what has expired.
    for (const [h, entry] of this.recent) {
      if (entry.until > nowMs) break;
      this.recent.delete(h);
    }
    const known = this.recent.get(hash);
    if (known !== undefined) return known.key;
    if (this.windowMs <= 0) return `h:${hash}:${nowMs.toString(36)}`;
    const key = `h:${hash}:${Math.floor(nowMs / this.windowMs).toString(36)}`;
    this.recent.set(hash, { key, until: nowMs + this.windowMs });
    return key;
  }
}
