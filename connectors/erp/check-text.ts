import { formatTable } from '../../lib/table-format.js';
import type { ErpCheck } from './check.js';

/** `crm-etl check` of an ERP source, for a person: the server, whether the session is read-only, each stream. */
export function checkText(s: ErpCheck): string {
  const lines = [
    `Source '${s.source}' (erp): ${s.ok ? 'OK' : 'FAILED'} — ${s.server}, ${s.readOnly ? 'read-only session' : 'session NOT read-only'}`,
  ];
  const rows = s.streams.map((c) => [
    c.name,
    `stg_${c.stream}`,
    c.ok ? 'ok' : 'FAILED',
    c.note + (c.nullCursor ? ` (${c.nullCursor} rows with an empty cursor are never read)` : ''),
  ]);
  lines.push(formatTable(['stream', 'stages into', 'status', 'note'], rows));
  return lines.join('\n');
}
