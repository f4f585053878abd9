/**
 * An ERP source as the config file writes it:
 *
 *   - { name: erp, connector: erp, url: "${ERP_URL}", preset: erpnext }
 *   - name: shop
 *     connector: erp
 *     url: "${SHOP_DB_URL}"
 *     streams:
 *       clients: { stream: contact, table: clients, key: id, cursor: updated_at,
 *                  columns: { name: full_name, mail: email } }
 *
 * With a preset, `streams` adds streams or replaces the preset's by name, and `name: false`
 * leaves one of them out.
 */
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import { FIELD_NAMES, streamHasField, type FieldName } from '../canonical/fields.js';
import { STREAM_NAMES, type StreamName } from '../contract.js';
import { secret } from '../secrets.js';
import { SourceNameSchema } from '../source-name.js';
import { PRESETS } from './presets/index.js';
import type { ErpStreamSpec } from './spec.js';

const StreamSchema = z
  .object({
    stream: z.enum(STREAM_NAMES as [StreamName, ...StreamName[]]),
    table: z.string().min(1).optional(),
    sql: z.string().min(1).optional(),
    where: z.string().min(1).optional(),
    key: z.string().min(1),
    keyPrefix: z.string().optional(),
    cursor: z.string().min(1),
    columns: z.record(z.string(), z.enum(FIELD_NAMES as [FieldName, ...FieldName[]])).default({}),
    ignore: z.array(z.string()).optional(),
    lookback: z.number().min(0).optional(),
  })
  .strict()
  .refine((s) => (s.table === undefined) !== (s.sql === undefined), 'needs exactly one of table and sql')
  .refine((s) => s.where === undefined || s.table !== undefined, 'where goes with table (write it into sql)');

export const ErpSourceSchema = z
  .object({
    name: SourceNameSchema,
    connector: z.literal('erp'),
    /** postgres://…, mysql://… or sqlite:<file>; put the password in the environment: "${ERP_URL}". */
    url: secret(z.string().min(1), 'url-password'),
    preset: z.enum(Object.keys(PRESETS) as [string, ...string[]]).optional(),
    streams: z.record(z.string(), z.union([z.literal(false), StreamSchema])).default({}),
    /** Rows per read and per staged transaction: bounds memory and the time a cursor waits to advance. */
    batchSize: z.number().int().min(1).max(100_000).default(5_000),
    /**
     * Seconds (or units of a numeric cursor) each run re-reads before the saved cursor, for rows
     * the ERP committed after rows it stamped later. Longer than the ERP's longest transaction.
     */
    lookback: z.number().min(0).default(900),
    /** Seconds one statement may run on the ERP before it is cancelled (0: no limit). */
    statementTimeout: z.number().min(0).default(300),
  })
  .strict();

export type ErpSourceConfig = z.infer<typeof ErpSourceSchema>;

/** The streams a source reads: its preset's, with the config's additions, replacements and removals. */
export function erpStreams(src: ErpSourceConfig): ErpStreamSpec[] {
  const byName = new Map<string, ErpStreamSpec>();
  if (src.preset) for (const s of PRESETS[src.preset]!.streams) byName.set(s.name, s);
  for (const [name, s] of Object.entries(src.streams)) {
    if (s === false) {
      if (!byName.delete(name)) {
        throw new ConfigError(`Source '${src.name}': streams.${name} is false, but there is no such stream`, {
          hint: src.preset
            ? `The ${src.preset} preset has ${[...PRESETS[src.preset]!.streams].map((p) => p.name).join(', ')}`
            : 'Without a preset there is nothing to leave out',
        });
      }
      continue;
    }
    for (const [column, field] of Object.entries(s.columns)) {
      if (field !== undefined && field !== 'source_key' && !streamHasField(s.stream, field)) {
        throw new ConfigError(
          `Source '${src.name}': streams.${name}.columns.${column} maps to '${field}', which ${s.stream} records do not have`,
          { hint: 'See the canonical fields of each stream in DESIGN.md' },
        );
      }
    }
    byName.set(name, { name, ...s });
  }
  if (byName.size === 0) {
    throw new ConfigError(`Source '${src.name}' reads no stream`, {
      hint: 'Give it a preset (erpnext, odoo) or streams with a table or sql each',
    });
  }
  return [...byName.values()];
}
