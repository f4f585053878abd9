import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import { CONTACT_PARTIAL_DATE_COLUMNS } from '../tables.js';
import type { Migration } from './migration.js';

/**
 * stg_contact gains birth_date_partial: a birth date written with day 00 ("00.05.1980") was
 * dropped at import, leaving the record nothing to block on; it is now kept as `YYYY-MM` (or
 * `YYYY`). 0001 creates staging tables from the current specs, so a warehouse made since has the
 * column already: it is added only where it is missing, which also finishes an attempt cut off
 * halfway on MySQL (whose DDL commits as it goes).
 */
export const contactPartialDateSchema: Migration = {
  name: '0012-contact-partial-date',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    for (const spec of CONTACT_PARTIAL_DATE_COLUMNS) {
      if (!(await knex.schema.hasColumn('stg_contact', spec.name))) {
        await knex.schema.alterTable('stg_contact', (t) => {
          adapter.addColumn(t as unknown as Knex.CreateTableBuilder, spec);
        });
      }
    }
  },

  async down(knex: Knex) {
    for (const spec of [...CONTACT_PARTIAL_DATE_COLUMNS].reverse()) {
      if (await knex.schema.hasColumn('stg_contact', spec.name)) {
        await knex.schema.alterTable('stg_contact', (t) => t.dropColumn(spec.name));
      }
    }
  },
};
