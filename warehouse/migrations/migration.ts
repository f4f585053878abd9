import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { ColumnSpec } from '../tables.js';

export interface Migration {
  /** Sortable, never renamed once released: the migrations table records it. */
  name: string;
  up(knex: Knex, adapter: EngineAdapter): Promise<void>;
  down(knex: Knex, adapter: EngineAdapter): Promise<void>;
  /**
   * up() finishes an attempt that was cut off halfway when run again (each step looks before it
   * acts): on MySQL, whose DDL commits as it goes, an interrupted attempt is then simply run again
   * instead of undone or left to the administrator.
   */
  resumable?: boolean;
}

/** Helpers a migration uses so column types and defaults come from the engine adapter. */
export function schemaKit(knex: Knex, adapter: EngineAdapter) {
  const now = () => knex.raw(adapter.nowDefault());
  return {
    create(name: string, build: (t: Knex.CreateTableBuilder) => void) {
      return knex.schema.createTable(name, (t) => {
        adapter.tableDefaults(t);
        build(t);
      });
    },
    columns(t: Knex.CreateTableBuilder, specs: readonly ColumnSpec[]) {
      for (const spec of specs) adapter.addColumn(t, spec);
    },
    column(t: Knex.CreateTableBuilder, name: string, type: ColumnSpec['type']) {
      return adapter.addColumn(t, { name, type });
    },
    /** created/updated instants filled by the engine. */
    stamps(t: Knex.CreateTableBuilder, ...names: string[]) {
      for (const name of names)
        adapter.addColumn(t, { name, type: 'datetime' }).notNullable().defaultTo(now());
    },
  };
}
