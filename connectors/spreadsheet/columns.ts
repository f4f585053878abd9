/**
 * The column plan of a sheet: which canonical field each header fills. An explicit mapping wins;
 * the synonym table fills in the rest; what is left stays in `attributes` under its header.
 */
import { ConfigError } from '../../lib/errors.js';
import type { StreamName } from '../contract.js';
import { streamHasField, type FieldName } from '../canonical/fields.js';
import type { MappingFile } from './mapping.js';
import { detectStream } from './stream-detect.js';
import { conceptOf, fieldFor, headerKey, type Concept } from './synonyms.js';

export interface ColumnPlan {
  /** 0-based cell index. */
  index: number;
  /** The header as written (trimmed). */
  header: string;
  /** Key in `attributes`: the header, "Column 7" when blank, "Телефон (2)" when repeated. */
  label: string;
  field: FieldName | null;
  how: 'mapping' | 'synonym' | 'unmapped';
  format?: string;
  decimal?: ',' | '.';
}

export interface SheetPlan {
  stream: StreamName;
  columns: ColumnPlan[];
}

/** `where` names the file/sheet in error messages. */
export function planColumns(
  headers: readonly string[],
  mapping: MappingFile | undefined,
  where: string,
): SheetPlan {
  const columns = labelColumns(headers);
  const taken = new Map<FieldName, ColumnPlan>();
  const claimed = new Set<ColumnPlan>();
  for (const [name, rule] of Object.entries(mapping?.columns ?? {})) {
    const col = findColumn(columns, name);
    if (col === undefined) {
      throw new ConfigError(
        `${where}: mapping column ${JSON.stringify(name)} is not in the header (found: ${columns.map((c) => JSON.stringify(c.label)).join(', ')})`,
        { hint: 'Check the column name in the mapping file, its "headerRow", or pass --sheet' },
      );
    }
    claimed.add(col);
    col.how = rule.field === null ? 'unmapped' : 'mapping';
    col.field = rule.field;
    if (rule.format !== undefined) col.format = rule.format;
    if (rule.decimal !== undefined) col.decimal = rule.decimal;
    if (rule.field === null) continue;
    const other = taken.get(rule.field);
    if (other !== undefined) {
      throw new ConfigError(
        `${where}: columns "${other.header}" and "${col.header}" both map to ${rule.field}`,
        {
          hint: 'Map one of them to another field or to null (kept in attributes)',
        },
      );
    }
    taken.set(rule.field, col);
  }

  const concepts = new Map<ColumnPlan, Concept>();
  for (const col of columns) {
    if (claimed.has(col)) continue;
    const concept = conceptOf(col.header);
    if (concept !== null) concepts.set(col, concept);
  }
  const stream = mapping?.stream ?? detectStream([...concepts.values(), ...taken.keys()]);

  for (const [field, col] of taken) {
    if (!streamHasField(stream, field)) {
      throw new ConfigError(
        `${where}: column "${col.header}" maps to ${field}, which ${stream} records do not have`,
        {
          hint: 'Set "stream" in the mapping file or map the column to another field',
        },
      );
    }
  }
  for (const [col, concept] of concepts) {
    const field = fieldFor(concept, stream);
    if (field === null || taken.has(field)) continue;
    col.field = field;
    col.how = 'synonym';
    taken.set(field, col);
  }
  return { stream, columns };
}

function labelColumns(headers: readonly string[]): ColumnPlan[] {
  const seen = new Map<string, number>();
  return headers.map((raw, index) => {
    const header = raw.replace(/\s+/g, ' ').trim();
    let label = header === '' ? `Column ${index + 1}` : header;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n > 1) label = `${label} (${n})`;
    return { index, header, label, field: null, how: 'unmapped' };
  });
}

function findColumn(columns: readonly ColumnPlan[], name: string): ColumnPlan | undefined {
  const trimmed = name.trim();
  const key = headerKey(name);
  return (
    columns.find((c) => c.header === trimmed) ??
    columns.find((c) => c.label === trimmed) ??
    (key === '' ? undefined : columns.find((c) => headerKey(c.header) === key))
  );
}
