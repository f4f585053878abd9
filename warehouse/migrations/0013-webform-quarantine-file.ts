import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';

export const QUARANTINE_FILE_INDEX = 'stg_quarantine_source_file';

/**
 * stg_quarantine gains an index on (source, file). The web-form receiver files each reject under
 * its form and key (`/forms/site#<key>`) and, with every group commit, looks for and removes the
 * earlier rejects of the submissions it stages; a record-by-record source (an ERP table) removes
 * a re-read record's reject the same way. Without the index each of those scans every reject of
 * the source. On MySQL/MariaDB the TEXT column is indexed on a prefix.
 */
export const webformQuarantineFileSchema: Migration = {
  name: '0013-webform-quarantine-file',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    if (await adapter.hasIndex(knex, 'stg_quarantine', QUARANTINE_FILE_INDEX)) return;
    await adapter.createIndex(knex, 'stg_quarantine', QUARANTINE_FILE_INDEX, [
      { name: 'source', type: 'key' },
      { name: 'file', type: 'text' },
    ]);
  },

  async down(knex: Knex, adapter: EngineAdapter) {
    if (!(await adapter.hasIndex(knex, 'stg_quarantine', QUARANTINE_FILE_INDEX))) return;
    await knex.schema.alterTable('stg_quarantine', (t) => t.dropIndex([], QUARANTINE_FILE_INDEX));
  },
};
