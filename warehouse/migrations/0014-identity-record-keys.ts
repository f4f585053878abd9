import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/**
 * What resolve keeps of each source record so an incremental run need not read them all:
 *
 * - identity_record: one row per record resolve knows (a staged contact, or a customer orders name
 *   without one), with a number of its own (`record_id`), the fields the golden record is built
 *   from, and its prepared match keys (normalized, transliterated, phonetic names, e-mail and phone
 *   keys) — a candidate read back is not normalized again.
 * - identity_block_key: its blocking keys, (record, rule, key), indexed on (rule, key): the
 *   changed records' keys find the records they could match, and the block sizes, in SQL.
 * - identity_key_state: which definition of match and blocking keys the rows were made with; a
 *   mismatch (a new release changed them) makes the next resolve recompute all of them.
 *
 * stg_contact gets an index on updated_at again (0004 dropped `stg_contact_updated` while nothing
 * read by it; this one has a name of its own, so 0004 undone and redone leaves it be): an
 * incremental resolve reads only the contacts changed since the last one.
 */
export const identityRecordKeysSchema: Migration = {
  name: '0014-identity-record-keys',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    const { create, column } = schemaKit(knex, adapter);
    if (!(await knex.schema.hasTable('identity_record'))) {
      await create('identity_record', (t) => {
        t.bigInteger('record_id').notNullable().primary();
        column(t, 'source', 'key').notNullable();
        column(t, 'source_key', 'key').notNullable();
        column(t, 'kind', 'key').notNullable(); // contact | order
        column(t, 'fields', 'json').notNullable();
        column(t, 'birth_date', 'key'); // as the resolver reads it: partial dates with 00
        column(t, 'match_keys', 'json').notNullable();
        column(t, 'updated_at', 'datetime').notNullable();
        column(t, 'first_seen', 'datetime').notNullable();
        t.unique(['source', 'source_key'], { indexName: 'identity_record_source_key' });
      });
    }
    if (!(await knex.schema.hasTable('identity_block_key'))) {
      await create('identity_block_key', (t) => {
        t.bigInteger('record_id').notNullable();
        t.integer('rule').notNullable();
        t.bigInteger('block_key').notNullable();
        t.index(['rule', 'block_key'], 'identity_block_key_rule_key');
        t.index(['record_id'], 'identity_block_key_record');
      });
    }
    if (!(await knex.schema.hasTable('identity_key_state'))) {
      await create('identity_key_state', (t) => {
        t.integer('state_id').notNullable().primary();
        column(t, 'version', 'key').notNullable();
        column(t, 'records', 'int').notNullable();
        column(t, 'computed_at', 'datetime').notNullable();
      });
    }
    if (!(await adapter.hasIndex(knex, 'stg_contact', 'stg_contact_changed'))) {
      await knex.schema.alterTable('stg_contact', (t) => t.index(['updated_at'], 'stg_contact_changed'));
    }
  },

  async down(knex: Knex, adapter: EngineAdapter) {
    if (await adapter.hasIndex(knex, 'stg_contact', 'stg_contact_changed')) {
      await knex.schema.alterTable('stg_contact', (t) => t.dropIndex(['updated_at'], 'stg_contact_changed'));
    }
    for (const table of ['identity_key_state', 'identity_block_key', 'identity_record'])
      await knex.schema.dropTableIfExists(table);
  },
};
