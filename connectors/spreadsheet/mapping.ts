/**
 * The mapping file (DESIGN.md "Mapping file"): how a spreadsheet's columns become canonical
 * fields. One zod schema is the type and the validation; loading turns every problem into a
 * ConfigError that names the offending key.
 */
import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import { STREAM_NAMES } from '../contract.js';
import { FIELD_NAMES, type FieldName } from '../canonical/fields.js';

const fieldName = z.enum(FIELD_NAMES as [FieldName, ...FieldName[]], {
  error: (issue) => `unknown field ${JSON.stringify(issue.input)} (known: ${FIELD_NAMES.join(', ')})`,
});

// `"ФИО": "full_name"` and `"Примечание": null` are shorthands of the object form.
const columnSpec = z.preprocess(
  (v) => (typeof v === 'string' || v === null ? { field: v } : v),
  z.strictObject({
    /** null keeps the column in `attributes`. */
    field: fieldName.nullable(),
    /** Date format such as DD.MM.YYYY or YYYYMMDD (given to parseDate). */
    format: z.string().min(1).optional(),
    /** Decimal separator of an amount column. */
    decimal: z.enum([',', '.']).optional(),
  }),
);

const DELIMITER_NAMES: Readonly<Record<string, string>> = {
  tab: '\t',
  '\\t': '\t',
  semicolon: ';',
  comma: ',',
};

export const mappingFileSchema = z.strictObject({
  stream: z.enum(STREAM_NAMES as ['contact', 'order', 'interaction', 'spend']).optional(),
  encoding: z
    .string()
    .refine((e) => iconv.encodingExists(e), {
      error: (issue) =>
        `unknown encoding ${JSON.stringify(issue.input)} (e.g. utf-8, windows-1251, koi8-r, utf-16le)`,
    })
    .optional(),
  delimiter: z
    .string()
    .min(1)
    .transform((d) => DELIMITER_NAMES[d.toLowerCase()] ?? d)
    .refine((d) => d.length <= 4 && !/[\r\n"]/.test(d), {
      error: 'a delimiter is 1–4 characters, not a quote or line break',
    })
    .optional(),
  /** 1-based line (CSV) or sheet row (XLSX) of the header. */
  headerRow: z.number().int().min(1).optional(),
  /** Ignore spaces around cells and before an opening quote (default true). */
  trim: z.boolean().optional(),
  sheet: z.string().min(1).optional(),
  columns: z.record(z.string().min(1), columnSpec).optional(),
});

export type MappingFile = z.output<typeof mappingFileSchema>;

/** One column of the mapping, in its normalized object form. */
export type ColumnRule = NonNullable<MappingFile['columns']>[string];

/** Validates an already parsed value (`source` names it in messages). */
export function parseMapping(value: unknown, source = 'mapping'): MappingFile {
  const result = mappingFileSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    let where = keyPath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      where = keyPath([...issue.path, issue.keys[0]!]);
      const known =
        issue.path.length === 0 ? Object.keys(mappingFileSchema.shape) : ['field', 'format', 'decimal'];
      message = `unknown key (known: ${known.join(', ')})`;
    }
    throw new ConfigError(`${source}: ${where === '' ? '' : `${where}: `}${message}`, {
      hint: 'Fix the mapping file (see DESIGN.md "Mapping file")',
    });
  }
  return deepFreeze(result.data);
}

export async function loadMappingFile(path: string): Promise<MappingFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read mapping file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        hint: 'Check the --mapping path',
        cause: err,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`mapping file ${path} is not valid JSON: ${(err as Error).message}`, {
      hint: 'Fix the JSON syntax',
      cause: err,
    });
  }
  return parseMapping(value, `mapping file ${path}`);
}

/** `columns["Дата рождения"].format`, `delimiter`, `headerRow`. */
function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
