import type { Command } from 'commander';
import { action } from './command.js';
import type { ImportOptions } from './import-files.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('stage spreadsheets (CSV/TSV/XLSX) into stg_contact / stg_order, with a report of every row')
    .argument('<files...>', 'spreadsheet files')
    .requiredOption('-s, --source <name>', 'name of the source these files come from (e.g. sales-sheets)')
    .option('-m, --mapping <json>', 'mapping file: columns, encoding, delimiter, header row, stream')
    .option('--sheet <name>', 'XLSX: only this sheet (default: every sheet)')
    .option('--dry-run', 'show what was detected and the first rows as they would be staged; write nothing')
    .option(
      '--rejects <path>',
      'where to write the rejected-rows CSV (file or folder; default: next to each input)',
    )
    .option(
      '--region <code>',
      "default country for phone numbers without a country code (default: the config's defaultRegion, else RU)",
    )
    .action(
      action(async (ctx, files: string[], opts: ImportOptions) =>
        (await import('./import-files.js')).importFiles(ctx, files, opts),
      ),
    );
}
