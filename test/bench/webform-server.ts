/**
 * The receiver under load, in a process of its own (as `crm-etl serve` runs it), so the load
 * generator and the server do not share an event loop: `node webform-server.js <config> <db-url>
 * [--discard]`. --discard answers 2xx without storing anything: the floor. Prints its address.
 */
import path from 'node:path';
import { createLogger } from '../../lib/logger.js';
import { loadConfig } from '../../pipelines/config.js';
import { startWebforms } from '../../pipelines/receiver/start.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';

const [configFile, dbUrl, flag] = process.argv.slice(2);
const loaded = loadConfig(configFile!);
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
const wh = await openWarehouse(dbUrl!, logger);
await migrate(wh);
const handle = await startWebforms(
  {
    wh,
    receiver: loaded.config.receiver!,
    baseDir: path.dirname(configFile!),
    defaultRegion: 'RU',
    logger,
  },
  { discard: flag === '--discard' },
);
process.stdout.write(`listening on ${handle.url}\n`);
process.on('SIGTERM', () => {
  void handle
    .stop()
    .then(() => wh.close())
    .then(() => process.exit(0));
});
