import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (test/pipelines/support → ../../..). */
export const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The built CLI the process tests run, as users do. */
export const CLI = path.join(ROOT, 'dist', 'pipelines', 'cli.js');

const SOURCE_DIRS = ['pipelines', 'lib', 'warehouse', 'connectors', 'transforms'];
const LOCK = path.join(os.tmpdir(), 'crm-etl-test-build.lock');

/**
 * Builds dist/ unless it is newer than every source file. Test files may run in parallel, so
 * one builds while the others wait on a lock directory. Others' type errors do not stop tsc
 * from emitting, so its exit code is not the verdict: a fresh cli.js is.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  // Waiters do not look at dist/ while another file's build holds the lock: it is half written.
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      if (lockAgeMs() > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (isFresh()) return;
    const started = Date.now();
    try {
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ROOT],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // Type errors elsewhere in the tree; the emitted JavaScript is checked below.
    }
    // Compared with the build's start, not the sources: others may be editing right now.
    if (mtime(CLI) < started - 1_000) throw new Error(`tsc did not write ${CLI}`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function isFresh(): boolean {
  const built = mtime(CLI);
  return built > 0 && newestSource() <= built;
}

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        newest = Math.max(newest, mtime(full));
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return newest;
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function lockAgeMs(): number {
  const at = mtime(LOCK);
  return at ? Date.now() - at : 0;
}
