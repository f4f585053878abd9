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

/** A step of a command that runs in phases (resolve): what PhaseProgress displays. */
export interface PhaseEvent {
  phase: string;
  /** The phase has just ended (`seconds` set); else `done` of `total` so far. */
  ended: boolean;
  seconds?: number;
  done: number;
  total: number | null;
  unit: string;
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Phases with counts on stderr: in a terminal, one bar per phase (kept on screen when the phase
 * ends, with its count and seconds); with `force` and no terminal (a log, a CI job), one line per
 * phase as it ends. Silent with --json or without a terminal, unless forced (--progress).
 *
 * The phases of identity resolution run on the main thread and block its timers, so every draw
 * is made synchronously from the events (cli-progress's synchronousUpdate), and the seconds shown
 * are counted here rather than by the bar's own timer.
 */
export function phaseProgress(
  ctx: CommandContext,
  label: string,
  order: readonly string[],
  force = false,
): { report(e: PhaseEvent): void; stop(): void } {
  const tty = process.stderr.isTTY === true;
  if (!force && (!tty || ctx.options.json)) return { report: () => undefined, stop: () => undefined };
  const started = performance.now();
  const since = () => ((performance.now() - started) / 1000).toFixed(1);
  if (!tty)
    return {
      report(e) {
        if (e.ended)
          process.stderr.write(
            `${label}: ${e.phase} ${count(e.done)} ${e.unit} in ${(e.seconds ?? 0).toFixed(1)} s (${since()} s so far)\n`,
          );
      },
      stop: () => undefined,
    };

  let bar: cliProgress.SingleBar | null = null;
  let current: string | null = null;
  let phaseStarted = started;
  const width = Math.max(...order.map((p) => p.length));
  const open = (phase: string, e?: PhaseEvent) => {
    bar?.stop();
    current = phase;
    phaseStarted = performance.now();
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        synchronousUpdate: true,
        fps: 10,
        barsize: 24,
        format: (
          options,
          params,
          payload: { unit: string; seconds: string; known: boolean; phase: string },
        ) => {
          const head = `${label} ${payload.phase.padEnd(width)} `;
          const counted = payload.unit
            ? `${count(params.value)}${payload.known ? `/${count(params.total)}` : ''} ${payload.unit}`
            : 'working…';
          const tail = ` ${counted} | ${payload.seconds} s`;
          return payload.known
            ? `${head}${cliProgress.Format.BarFormat(params.progress, options)}${tail}`
            : `${head}${'·'.repeat(options.barsize ?? 24)}${tail}`;
        },
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(e?.total ?? 1, e?.done ?? 0, {
      unit: e?.unit ?? '',
      seconds: '0.0',
      known: e?.total !== null && e?.total !== undefined,
      phase,
    });
  };
  return {
    report(e) {
      if (current !== e.phase) open(e.phase, e);
      const seconds = e.ended ? (e.seconds ?? 0) : (performance.now() - phaseStarted) / 1000;
      bar!.setTotal(e.total ?? Math.max(1, e.done));
      bar!.update(e.done, {
        unit: e.unit,
        seconds: seconds.toFixed(1),
        known: e.total !== null,
        phase: e.phase,
      });
      if (e.ended) {
        const next = order[order.indexOf(e.phase) + 1];
        if (next) open(next);
        else {
          bar!.stop();
          bar = null;
        }
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
