/**
 * The key of a submission that comes without the sender's id: the hash of its content and of the
 * window it arrived in (windows of `dedupeWindowMinutes` counted from the epoch). A retry may
 * cross a window's edge, so the submission also names the key the same content would have had in
 * the window before (`sameAs`): staging counts it a duplicate when either is staged. The decision
 * is the warehouse's, not the memory of the running receiver: it holds across restarts and
 * spool drains. Same content less than one window apart is always one lead; two windows or more
 * apart, always two; in between, it depends on where the edge falls.
 */
export interface ContentKey {
  key: string;
  sameAs: string[];
}

export function contentKey(hash: string, nowMs: number, windowMs: number): ContentKey {
  // No window: every submission is its own lead.
  if (windowMs <= 0) return { key: `h:${hash}:${nowMs.toString(36)}`, sameAs: [] };
  const w = Math.floor(nowMs / windowMs);
  return { key: `h:${hash}:${w.toString(36)}`, sameAs: [`h:${hash}:${(w - 1).toString(36)}`] };
}
