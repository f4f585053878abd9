import type { ScoreboardRow } from '../../warehouse/marts/scoreboard.js';
import { formatTable } from '../../lib/table-format.js';
import { formatDate, formatValue, groupSeries } from './format.js';

const STATUS: Readonly<Record<string, string>> = {
  met: '✔ met',
  'on track': '● on track',
  behind: '✖ behind',
};

/** ▲ / ▼ / = against the previous period, so the table shows where things are going. */
function trend(rows: readonly ScoreboardRow[]): string {
  if (rows.length < 2) return '';
  const [prev, last] = [rows[rows.length - 2]!.actual, rows[rows.length - 1]!.actual];
  return last > prev ? '▲' : last < prev ? '▼' : '=';
}

/**
 * The scoreboard as an aligned terminal table: one line per indicator at its latest period,
 * short-term indicators first, with the trend, the target and whether it is met, on track or
 * behind. Thin spaces in numbers become plain ones so columns line up in any terminal.
 */
export function renderScoreboardText(rows: readonly ScoreboardRow[]): string {
  if (rows.length === 0) return 'The scoreboard is empty. Run crm-etl marts first.';
  const plain = (s: string) => s.replace(/\u2009/g, ' ');
  const series = groupSeries(rows);
  const body = series.map((s) => {
    const r = s.latest;
    return [
      s.title,
      r.horizon,
      r.period,
      plain(formatValue(r.actual, s.unit)),
      trend(s.rows),
      plain(formatValue(r.baseline, s.unit)),
      plain(formatValue(r.target, s.unit)),
      r.due_date ? formatDate(r.due_date) : '—',
      r.status ? (STATUS[r.status] ?? r.status) : '—',
    ];
  });
  const table = formatTable(
    ['indicator', 'horizon', 'period', 'actual', '', 'baseline', 'target', 'due', 'status'],
    body,
  );
  const count = (status: string) => series.filter((s) => s.latest.status === status).length;
  const summary = `${count('met')} met · ${count('on track')} on track · ${count('behind')} behind · ${series.filter((s) => !s.latest.status).length} without a target`;
  return `${table}\n\n${summary}`;
}
