import { describeError } from '../../lib/errors.js';
import { benchEmail } from './email.js';
import { benchErp } from './erp.js';
import { benchImport } from './import.js';
import { benchLoad } from './load.js';
import { benchMarts } from './marts.js';
import { benchResolveAccuracy } from './resolve-accuracy.js';
import { benchResolveMisses } from './resolve-misses.js';
import { runSyntheticBenchmark } from './resolve-synthetic.js';
import { benchResolveWarehouse } from './resolve-warehouse.js';
import { benchWebform } from './webform.js';

/** `npm run bench -- <name> [args]`: the benchmarks, each printing figures and ratios to a baseline. */
const BENCHMARKS: Readonly<Record<string, (args: string[]) => Promise<void>>> = Object.freeze({
  load: benchLoad,
  import: benchImport,
  marts: benchMarts,
  erp: benchErp,
  email: benchEmail,
  'resolve-warehouse': benchResolveWarehouse,
  webform: benchWebform,
  // `resolve accuracy [n]`: only the accuracy table (Febrl and the CRM-like sets); `resolve [n]`:
  // the table, then the scale run on n synthetic contacts.
  resolve: async (args) => {
    if (args[0] === 'accuracy') return benchResolveAccuracy(Number(args[1] ?? 10_000));
    if (args[0] === 'misses') return benchResolveMisses(Number(args[1] ?? 10_000), Number(args[2] ?? 0));
    benchResolveAccuracy();
    runSyntheticBenchmark(Number(args[0] ?? 1_000_000), Number(args[1] ?? 7));
  },
});

const [name, ...args] = process.argv.slice(2);
const names = name ? [name] : Object.keys(BENCHMARKS);
try {
  for (const n of names) {
    const run = BENCHMARKS[n];
    if (!run)
      throw new Error(`Unknown benchmark '${n}'. Choose one of: ${Object.keys(BENCHMARKS).join(', ')}`);
    console.log(`== bench ${n}`);
    await run(args);
  }
} catch (err) {
  console.error(`bench: ${describeError(err)}`);
  process.exitCode = 1;
}
