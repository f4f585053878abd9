import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

const CLI = path.join(REPO_ROOT, 'dist/pipelines/cli.js');

/** `crm-etl serve` running as a child process on a loopback port, as an operator would start it. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** What it wrote to stderr so far (its logs). */
  logs(): string;
  /** SIGTERM, then waits for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to finish anything. */
  kill9(): Promise<void>;
}

/** A throwaway folder holding `crm-etl.config.yaml` with this text. */
export function configDir(yaml: string): { dir: string; file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webform-'));
  const file = path.join(dir, 'crm-etl.config.yaml');
  fs.writeFileSync(file, yaml);
  return { dir, file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function startServe(
  configFile: string,
  dbUrl: string,
  env: Record<string, string | undefined> = {},
  args: string[] = ['serve', '--port', '0'],
  /** Another script to run instead of the CLI (the benchmark's server), with its arguments. */
  script?: string[],
): Promise<ServeProcess> {
  const argv = script ?? [CLI, '--config', configFile, '--db', dbUrl, ...args];
  const child = spawn(process.execPath, argv, {
    cwd: path.dirname(configFile),
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /listening on (\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    logs: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A POST with a form-urlencoded body, as a site's server or a browser sends it. */
export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** The value of one sample line of a Prometheus text exposition, 0 when absent. */
export function metric(text: string, line: string): number {
  for (const l of text.split('\n')) if (l.startsWith(`${line} `)) return Number(l.slice(line.length + 1));
  return 0;
}
