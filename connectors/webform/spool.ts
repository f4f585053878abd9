/**
 * Where submissions wait while the warehouse is out of reach: a folder of numbered segment files
 * (`<sequence>-<submissions>.json`, so the depth is known without reading them), each one group
 * of submissions as JSON, written to a temporary name, fsynced, renamed into place
 * and the folder fsynced, so a segment is either whole on disk or absent (a write cut by kill -9
 * leaves only a .tmp file, removed at the next start: its senders never had their 2xx). Segments
 * are drained oldest first and removed once staged; staging them again after a crash in between
 * finds their keys staged and counts duplicates.
 *
 * The folder also holds `warehouse.json`: which warehouse its segments are for (engine, a hash of
 * the URL without its password, the URL as printed). A start on another warehouse finds the spool
 * held: its segments are neither drained there nor added to, and stay as they are until the
 * receiver is started on their own warehouse (or an operator moves the folder away).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ConnectorItem } from '../contract.js';

/** One form's submissions in a segment. */
export interface SpooledGroup {
  form: string;
  items: ConnectorItem[];
}

/** The warehouse a spool's segments are for. */
export interface SpoolOwner {
  engine: string;
  id: string;
  display: string;
}

/** A spool left for another warehouse than this start's: kept untouched. */
export interface HeldSpool {
  dir: string;
  file: string;
  segments: number;
  submissions: number;
  warehouse: string;
}

/** `<sequence>-<submissions>.json`; segments written before the count was named have no `-<n>`. */
const SEGMENT = /^(\d{16})(?:-(\d+))?\.json$/;
const OWNER_FILE = 'warehouse.json';

export class Spool {
  private names: string[] = [];
  /** Submissions in the segments waiting. */
  private submissions = 0;
  private next = 1;
  private heldFor: SpoolOwner | null = null;

  constructor(readonly dir: string) {}

  /**
   * Creates the folder, drops unfinished writes and finds the segments left by an earlier run;
   * with `owner`, the spool is this warehouse's from now on, unless it holds another's segments.
   */
  async open(owner?: SpoolOwner): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const entries = await fs.readdir(this.dir);
    for (const e of entries) if (e.endsWith('.tmp')) await fs.rm(path.join(this.dir, e), { force: true });
    this.names = entries.filter((e) => SEGMENT.test(e)).sort();
    this.submissions = 0;
    for (const name of this.names) this.submissions += await segmentSubmissions(this.dir, name);
    const last = this.names.at(-1);
    this.next = last === undefined ? 1 : Number(SEGMENT.exec(last)![1]) + 1;
    if (owner === undefined) return;
    const ownerFile = path.join(this.dir, OWNER_FILE);
    const recorded = await readOwner(ownerFile);
    // A spool without warehouse.json predates it: taken as this warehouse's, as it was before.
    if (recorded !== null && recorded.id !== owner.id && this.names.length > 0) {
      this.heldFor = recorded;
      return;
    }
    if (recorded?.id === owner.id && recorded.display === owner.display) return;
    const tmp = `${ownerFile}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(owner));
    await fs.rename(tmp, ownerFile);
    await syncDir(this.dir);
  }

  /** Segments waiting to be staged (none while the spool is held for another warehouse). */
  get pending(): number {
    return this.heldFor ? 0 : this.names.length;
  }

  /** Submissions in the segments waiting (none while the spool is held for another warehouse). */
  get pendingSubmissions(): number {
    return this.heldFor ? 0 : this.submissions;
  }

  /** Set when the spool holds another warehouse's segments: they are left as they are. */
  get held(): HeldSpool | null {
    if (this.heldFor === null) return null;
    return {
      dir: this.dir,
      file: path.join(this.dir, OWNER_FILE),
      segments: this.names.length,
      submissions: this.submissions,
      warehouse: this.heldFor.display,
    };
  }

  /** Appends one segment durably: resolved only once it is on disk. */
  async append(groups: readonly SpooledGroup[]): Promise<void> {
    if (this.heldFor)
      throw new Error(
        `the spool ${this.dir} holds submissions for another warehouse (${this.heldFor.display}); nothing is added to it`,
      );
    const count = groups.reduce((n, g) => n + submissionsIn(g.items), 0);
    const name = `${String(this.next++).padStart(16, '0')}-${count}.json`;
    const tmp = path.join(this.dir, `${name}.tmp`);
    const file = await fs.open(tmp, 'wx');
    try {
      await file.writeFile(JSON.stringify(groups));
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(tmp, path.join(this.dir, name));
    await syncDir(this.dir);
    this.names.push(name);
    this.submissions += count;
  }

  /** The oldest segment, or null when none waits. */
  async oldest(): Promise<{ name: string; groups: SpooledGroup[] } | null> {
    const name = this.names[0];
    if (name === undefined || this.heldFor) return null;
    const text = await fs.readFile(path.join(this.dir, name), 'utf8');
    return { name, groups: JSON.parse(text) as SpooledGroup[] };
  }

  /** Keeps a segment the warehouse refuses out of the way, as `<name>.failed`. */
  async setAside(name: string): Promise<void> {
    await fs.rename(path.join(this.dir, name), path.join(this.dir, `${name}.failed`));
    await this.forget(name);
  }

  async remove(name: string): Promise<void> {
    await fs.rm(path.join(this.dir, name), { force: true });
    await this.forget(name);
  }

  private async forget(name: string): Promise<void> {
    const count = SEGMENT.exec(name)?.[2];
    this.names = this.names.filter((n) => n !== name);
    // A segment of the older form (no count in its name) was counted from its text at open.
    if (count !== undefined) this.submissions -= Number(count);
    else
      this.submissions = (await Promise.all(this.names.map((n) => segmentSubmissions(this.dir, n)))).reduce(
        (a, b) => a + b,
        0,
      );
  }
}

/** Submissions among a group's items: each is one lead (an interaction) or one reject. */
function submissionsIn(items: readonly ConnectorItem[]): number {
  let n = 0;
  for (const item of items)
    if (item.kind === 'reject' || (item.kind === 'record' && item.record.stream === 'interaction')) n++;
  return n;
}

/** Submissions in a segment: from its name, or (older form) from its text. */
async function segmentSubmissions(dir: string, name: string): Promise<number> {
  const count = SEGMENT.exec(name)?.[2];
  if (count !== undefined) return Number(count);
  try {
    const groups = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as SpooledGroup[];
    return groups.reduce((n, g) => n + submissionsIn(g.items), 0);
  } catch {
    return 0;
  }
}

/** What a spool folder holds, read without changing it (crm-etl check receiver). */
export async function inspectSpool(dir: string): Promise<{
  exists: boolean;
  segments: number;
  submissions: number;
  failed: number;
  warehouse: string | null;
}> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return { exists: false, segments: 0, submissions: 0, failed: 0, warehouse: null };
  }
  const owner = await readOwner(path.join(dir, OWNER_FILE));
  const segments = entries.filter((e) => SEGMENT.test(e));
  let submissions = 0;
  for (const name of segments) submissions += await segmentSubmissions(dir, name);
  return {
    exists: true,
    segments: segments.length,
    submissions,
    failed: entries.filter((e) => e.endsWith('.json.failed')).length,
    warehouse: owner?.display ?? null,
  };
}

async function readOwner(file: string): Promise<SpoolOwner | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<SpoolOwner>;
    if (typeof o.id === 'string' && typeof o.display === 'string' && typeof o.engine === 'string')
      return { id: o.id, display: o.display, engine: o.engine };
  } catch {
    // unreadable: as if absent
  }
  return null;
}

/** A rename is durable once its folder is synced (Linux); elsewhere opening a folder may fail. */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here (Windows): the rename is as durable as the platform makes it.
  } finally {
    await handle?.close();
  }
}
