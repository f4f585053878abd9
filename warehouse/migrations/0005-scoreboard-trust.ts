import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/**
 * What a scoreboard a director can trust needs from the schema:
 * - stg_contact.source_created_at: when the record came to be in its source (form submitted,
 *   customer created). Leads are counted by it, never by load time.
 * - mart_scoreboard.partial: 1 for the running period (shown apart, never judged against a
 *   target); mart_scoreboard.note: why an indicator has no value ("no spend data…").
 * - scoreboard_target / scoreboard_settings: the targets and the rest of the `scoreboard:` section
 *   as last configured, with history (valid_to set when replaced), so a build without --config
 *   keeps them.
 *
 * Each step looks before it acts (0001 creates stg_contact from the current spec, which already
 * has source_created_at on a fresh database), so the migration is resumable on MySQL.
 */
export const scoreboardTrustSchema: Migration = {
  name: '0005-scoreboard-trust',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    const { create, column } = schemaKit(knex, adapter);
    if (!(await knex.schema.hasColumn('stg_contact', 'source_created_at'))) {
      await knex.schema.alterTable('stg_contact', (t) => {
        column(t as Knex.CreateTableBuilder, 'source_created_at', 'datetime');
      });
    }
    if (!(await knex.schema.hasColumn('mart_scoreboard', 'partial'))) {
      await knex.schema.alterTable('mart_scoreboard', (t) => {
        column(t as Knex.CreateTableBuilder, 'partial', 'int')
          .notNullable()
          .defaultTo(0);
      });
    }
    if (!(await knex.schema.hasColumn('mart_scoreboard', 'note'))) {
      await knex.schema.alterTable('mart_scoreboard', (t) => {
        column(t as Knex.CreateTableBuilder, 'note', 'text');
      });
    }
    if (!(await knex.schema.hasTable('scoreboard_target'))) {
      await create('scoreboard_target', (t) => {
        t.bigIncrements('target_id').primary();
        column(t, 'indicator', 'key').notNullable();
        column(t, 'horizon', 'key').notNullable();
        column(t, 'target', 'float').notNullable();
        column(t, 'due_date', 'date').notNullable();
        column(t, 'baseline', 'float');
        column(t, 'valid_from', 'datetime').notNullable();
        column(t, 'valid_to', 'datetime');
        t.index(['indicator', 'valid_to'], 'scoreboard_target_current');
      });
    }
    if (!(await knex.schema.hasTable('scoreboard_settings'))) {
      await create('scoreboard_settings', (t) => {
        t.bigIncrements('settings_id').primary();
        column(t, 'settings', 'json').notNullable();
        column(t, 'valid_from', 'datetime').notNullable();
        column(t, 'valid_to', 'datetime');
      });
    }
  },

  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('scoreboard_settings');
    await knex.schema.dropTableIfExists('scoreboard_target');
    await knex.schema.alterTable('mart_scoreboard', (t) => {
      t.dropColumn('note');
      t.dropColumn('partial');
    });
    await knex.schema.alterTable('stg_contact', (t) => t.dropColumn('source_created_at'));
  },
};
