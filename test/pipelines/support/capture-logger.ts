import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export type CapturedLine = Record<string, unknown> & { msg?: string };

/** A debug-level logger whose JSON lines a test reads back (lib/logger's redact paths included). */
export function captureLogger(onLine?: (line: CapturedLine) => void): {
  logger: Logger;
  lines: CapturedLine[];
  text(): string;
} {
  const lines: CapturedLine[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      for (const l of chunk.toString().split('\n')) {
        if (!l) continue;
        const line = JSON.parse(l) as CapturedLine;
        lines.push(line);
        onLine?.(line);
      }
      done();
    },
  });
  return { logger: pino({ level: 'debug', base: undefined }, stream), lines, text: () => text };
}
