import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import { coreSchema } from './0001-core.js';
import { martsSchema } from './0002-marts.js';
import { identitySchema } from './0003-identity.js';
import { stagingLoadSchema } from './0004-staging-load.js';
import { scoreboardTrustSchema } from './0005-scoreboard-trust.js';
import { interactionMailSchema } from './0006-interaction-mail.js';
import { interactionOwnerSchema } from './0007-interaction-owner.js';
import { interactionWebSchema } from './0008-interaction-web.js';
import { managerActivitySchema } from './0009-manager-activity.js';
import { leadFunnelSchema } from './0010-lead-funnel.js';
import { overrideRemovalSchema } from './0011-override-removal.js';
import { contactPartialDateSchema } from './0012-contact-partial-date.js';
import { webformQuarantineFileSchema } from './0013-webform-quarantine-file.js';
import { identityRecordKeysSchema } from './0014-identity-record-keys.js';
import { martsIncrementalSchema } from './0015-marts-incremental.js';
import { martsChangedRowsSchema } from './0016-marts-changed-rows.js';
import type { Migration } from './migration.js';

/** Every migration, in order. A new one is appended here and never reordered. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  coreSchema,
  martsSchema,
  identitySchema,
  stagingLoadSchema,
  scoreboardTrustSchema,
  interactionMailSchema,
  interactionOwnerSchema,
  interactionWebSchema,
  managerActivitySchema,
  leadFunnelSchema,
  overrideRemovalSchema,
  contactPartialDateSchema,
  webformQuarantineFileSchema,
  identityRecordKeysSchema,
  martsIncrementalSchema,
  martsChangedRowsSchema,
]);

export const MIGRATIONS_TABLE = 'etl_schema_migrations';

/** Feeds knex's migrator from the list above instead of scanning a folder at run time. */
export function migrationSource(adapter: EngineAdapter): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...MIGRATIONS],
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({
      up: (knex: Knex) => m.up(knex, adapter),
      down: (knex: Knex) => m.down(knex, adapter),
    }),
  };
}
