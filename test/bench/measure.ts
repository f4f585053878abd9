/** Timing and memory helpers shared by the benchmarks. */
export interface Measured<T> {
  value: T;
  seconds: number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/**
 * CPU seconds (user + system) this process, worker threads included, spends in `fn`: on a
 * machine shared with others the wall clock measures them too, the CPU time only this run.
 */
export async function cpuTimed<T>(fn: () => Promise<T>): Promise<Measured<T> & { cpu: number }> {
  const before = process.cpuUsage();
  const m = await timed(fn);
  const used = process.cpuUsage(before);
  return { ...m, cpu: (used.user + used.system) / 1e6 };
}

/** Tracks this process's peak resident memory while a benchmark runs. */
export function peakRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}

export function rate(rows: number, seconds: number): string {
  return `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;
}
