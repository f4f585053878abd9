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
