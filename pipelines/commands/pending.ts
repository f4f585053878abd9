import type { Command } from 'commander';
import { NotImplementedError } from '../../lib/errors.js';
import { action } from './command.js';

/** Commands of DESIGN.md whose capability is still being built: they say so plainly. */
export function pending(program: Command, name: string, description: string, feature: string): Command {
  return program
    .command(name)
    .description(`${description} [not available yet]`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(
      action(async () => {
        throw new NotImplementedError(
          `'crm-etl ${name.split(' ')[0]}' is not available in this version: ${feature} is not built yet`,
          {
            hint: 'See README.md for what works today',
          },
        );
      }),
    );
}
