/**
 * Where submissions wait while the warehouse is out of reach: a folder of numbered segment files,
 * each one group of submissions as JSON, written to a temporary name, fsynced, renamed into place
 * and the folder fsynced, so a segment is either whole on disk or absent (a write cut by kill -9
 * leaves only a .tmp file, removed at the next start: its senders never had their 2xx). Segments
 * are drained oldest first and removed once staged; staging them again after a crash in between
 * finds their keys staged and counts duplicates.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ConnectorItem } from '../contract.js';

/** One form's submissions in a segment. */
export interface SpooledGroup {
  form: string;
  items: ConnectorItem[];
}

const SEGMENT = /^(\d{16})\.json$/;

export class Spool {
  private names: string[] = [];
  private next = 1;

  constructor(readonly dir: string) {}

  /** Creates the folder, drops unfinished writes and finds the segments left by an earlier run. */
  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const entries = await fs.readdir(this.dir);
    for (const e of entries) if (e.endsWith('.tmp')) await fs.rm(path.join(this.dir, e), { force: true });
    this.names = entries.filter((e) => SEGMENT.test(e)).sort();
    const last = this.names.at(-1);
    this.next = last === undefined ? 1 : Number(SEGMENT.exec(last)![1]) + 1;
  }

  /** Segments waiting to be staged. */
  get pending(): number {
    return this.names.length;
  }

  /** Appends one segment durably: resolved only once it is on disk. */
  async append(groups: readonly SpooledGroup[]): Promise<void> {
    const name = `${String(this.next++).padStart(16, '0')}.json`;
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
  }

  /** The oldest segment, or null when none waits. */
  async oldest(): Promise<{ name: string; groups: SpooledGroup[] } | null> {
    const name = this.names[0];
    if (name === undefined) return null;
    const text = await fs.readFile(path.join(this.dir, name), 'utf8');
    return { name, groups: JSON.parse(text) as SpooledGroup[] };
  }

  /** Keeps a segment the warehouse refuses out of the way, as `<name>.failed`. */
  async setAside(name: string): Promise<void> {
    await fs.rename(path.join(this.dir, name), path.join(this.dir, `${name}.failed`));
    this.names = this.names.filter((n) => n !== name);
  }

  async remove(name: string): Promise<void> {
    await fs.rm(path.join(this.dir, name), { force: true });
    this.names = this.names.filter((n) => n !== name);
  }
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
