#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CrmEtlError, describeError } from '../lib/errors.js';
import { registerCheck } from './commands/check.js';
import { registerGrantBi } from './commands/grant-bi.js';
import { registerIdentity } from './commands/identity.js';
import { registerImport } from './commands/import.js';
import { registerMarts } from './commands/marts.js';
import { registerMigrate } from './commands/migrate.js';
import { registerOperator } from './commands/operator.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';

export function buildProgram(): Command {
  const program = new Command('crm-etl')
    .description('Customer data from spreadsheets, mail, ERP and web forms into one deduplicated warehouse')
    .option(
      '--db <url>',
      "warehouse URL: postgres://…, mysql://…, sqlite:<path> (default: $DATABASE_URL, else the config's warehouse:, else sqlite:data/warehouse.db)",
    )
    .option('--config <file>', 'config file (crm-etl.config.yaml or .json)')
    .option('--json', 'print a machine-readable summary on stdout (logs stay on stderr)')
    .option('--verbose', 'debug logs and stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  registerMigrate(program);
  registerImport(program);
  registerIdentity(program);
  registerMarts(program);
  registerRun(program);
  registerCheck(program);
  registerGrantBi(program);
  registerSchedule(program);
  registerServe(program);
  registerRuns(program);
  registerOperator(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (and help for --help / --version).
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`crm-etl: ${describeError(err)}\n`);
    if (verbose) {
      let e: unknown = err;
      while (e instanceof Error) {
        process.stderr.write(`${e.stack ?? e.message}\n`);
        e = e.cause;
        if (e) process.stderr.write('Caused by: ');
      }
    } else if (!(err instanceof CrmEtlError)) {
      process.stderr.write('(run with --verbose for details)\n');
    }
    return err instanceof CrmEtlError ? err.exitCode : 1;
  }
}

process.exitCode = await main(process.argv);
