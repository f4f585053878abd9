import cliProgress from 'cli-progress';
import type { CommandContext } from './context.js';

/** A live row counter on stderr when it is a terminal (and not --json); silent otherwise. */
export function progressReporter(
  ctx: CommandContext,
  label: string,
): { update(rows: number): void; stop(): void } {
  if (!process.stderr.isTTY || ctx.options.json) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} | {value} rows | {speed} rows/s | {duration}s`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(0, 0, { speed: 0 });
  return {
    update(rows) {
      bar.setTotal(rows);
      bar.update(rows, { speed: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) });
    },
    stop() {
      bar.stop();
    },
  };
}
