import { readFileSync } from 'node:fs';
import type { Warehouse } from '../../warehouse/connection.js';

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const TICKS = 100;

/**
 * CPU seconds spent on the build so far, to read at step boundaries: on a machine shared with
 * other agents a step's wall time measures them too. SQLite runs in this process, so its CPU time
 * is the engine's; on PostgreSQL the CPU of this database's backends is added (read from
 * /proc/<pid>/stat, so the server must run on this machine; parallel workers, which come and go,
 * are not counted). MySQL's one server process serves every database: Node's time only.
 */
export interface CpuClock {
  read(): Promise<number>;
  label: string;
  /** Whether the engine's work is counted: without it a ratio of two readings means nothing. */
  countsEngine: boolean;
}

/** `a / b` as `1.23×`, or `n/a` where the clock does not count the engine's work (MySQL). */
export function cpuRatio(clock: CpuClock, a: number, b: number): string {
  return clock.countsEngine ? `${(a / b).toFixed(2)}×` : 'n/a';
}

export function buildCpuClock(wh: Warehouse): CpuClock {
  const node = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  if (wh.adapter.name !== 'postgres') {
    return {
      read: async () => node(),
      label: wh.adapter.name === 'sqlite' ? 'CPU (engine in process)' : 'Node CPU',
      countsEngine: wh.adapter.name === 'sqlite',
    };
  }
  // A backend that ends takes its CPU time with it: its last reading is kept.
  const last = new Map<number, number>();
  return {
    label: 'CPU (Node + backends)',
    countsEngine: true,
    async read() {
      const rows = wh.adapter.rows(
        await wh.knex.raw(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
        ),
      );
      for (const row of rows) {
        const pid = Number(row.pid);
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          last.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS);
        } catch {
          // Ended between the query and the read: its last reading stands.
        }
      }
      let backends = 0;
      for (const seconds of last.values()) backends += seconds;
      return node() + backends;
    },
  };
}
