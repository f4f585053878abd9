import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './build.js';

export type LogLine = Record<string, unknown> & { msg?: string };

export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stderr as it arrived. */
  stderr(): string;
  stdout(): string;
  /** stderr's JSON log lines, parsed (logs are JSON lines when stderr is not a terminal). */
  logs(): LogLine[];
  /** Resolves with the first log line matching, or rejects after timeoutMs. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built CLI as a user would, with its own environment additions. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  const waiters: Array<() => void> = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const w of [...waiters]) w();
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      resolve({ code, signal });
      for (const w of [...waiters]) w();
    }),
  );
  const logs = (): LogLine[] =>
    err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  return {
    child,
    pid: child.pid!,
    stderr: () => err,
    stdout: () => out,
    logs,
    exit,
    waitForLog(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs().find(match);
          if (found) return done(() => resolve(found));
          if (child.exitCode !== null || child.signalCode !== null) {
            return done(() => reject(new Error(`process exited before the expected log line:\n${err}`)));
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no matching log line in ${timeoutMs} ms:\n${err}`))),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          fn();
        };
        waiters.push(check);
        check();
      });
    },
  };
}
