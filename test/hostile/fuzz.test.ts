import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmEtlError } from '../../lib/errors.js';
import { seededRandom } from '../../lib/random.js';
import { fixture, readAll } from '../fixtures/spreadsheet/read-all.js';
import { CORPUS } from './corpus.js';

/** Wall time the fuzzer may take (CI runs it on every push). */
const BUDGET_MS = 20_000;
/** One read may take this long before it counts as a hang. */
const CASE_MS = 10_000;
/** Fixed in CI, so a failure reproduces; CRM_ETL_FUZZ_SEED explores others. */
const SEED = Number(process.env.CRM_ETL_FUZZ_SEED ?? 16);

const FIXTURES = [
  'clients-cp1251.csv',
  'clients-koi8r.csv',
  'clients-utf16le.txt',
  'customers-utf8-bom.csv',
  'broken-quoting.csv',
  'ragged.csv',
  'formulas.csv',
  'orders-cp1251.csv',
  'orders.xlsx',
];
/** Small files of the hostile corpus join the seeds (the big ones would only eat the budget). */
const CORPUS_SEEDS = [
  'control-chars.csv',
  'mixed-encodings.csv',
  'workbook-named.csv',
  'billion-laughs.xlsx',
];

const SPECIAL = [
  0x00, 0x22, 0x2c, 0x3b, 0x09, 0x0a, 0x0d, 0x3c, 0x3e, 0x26, 0xff, 0xfe, 0xef, 0xbb, 0xbf, 0x80, 0x3d,
];

/** A seeded mutation of `input`: a few byte flips, special bytes, cut, duplicated or dropped ranges. */
function mutate(input: Buffer, rand: () => number): Buffer {
  let out = Buffer.from(input);
  const at = () => Math.floor(rand() * Math.max(1, out.length));
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(rand() * 6);
    if (kind === 0 && out.length > 0) out[at()] = Math.floor(rand() * 256);
    else if (kind === 1 && out.length > 0) out[at()] = SPECIAL[Math.floor(rand() * SPECIAL.length)]!;
    else if (kind === 2) out = out.subarray(0, at());
    else if (kind === 3) {
      const from = at();
      const len = Math.floor(rand() * 64);
      const i = at();
      out = Buffer.concat([out.subarray(0, i), out.subarray(from, from + len), out.subarray(i)]);
    } else if (kind === 4) {
      const from = at();
      out = Buffer.concat([out.subarray(0, from), out.subarray(from + Math.floor(rand() * 64))]);
    } else {
      const i = at();
      const bytes = Buffer.from(
        Array.from(
          { length: 1 + Math.floor(rand() * 8) },
          () => SPECIAL[Math.floor(rand() * SPECIAL.length)]!,
        ),
      );
      out = Buffer.concat([out.subarray(0, i), bytes, out.subarray(i)]);
    }
  }
  return out;
}

/**
 * The spreadsheet readers on seeded mutations of the fixture corpus, for a bounded time: every
 * read must end, with every row a record or a reject, or with the readers' own one-line error
 * (CrmEtlError) — never another exception, never a hang.
 */
describe('fuzzing the spreadsheet readers', () => {
  let dir: string;
  const seeds: Array<{ name: string; bytes: Buffer }> = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-fuzz-'));
    for (const name of FIXTURES) seeds.push({ name, bytes: fs.readFileSync(fixture(name)) });
    for (const name of CORPUS_SEEDS) {
      const file = path.join(dir, `seed-${name}`);
      CORPUS.find((c) => c.name === name)!.write(file);
      seeds.push({ name, bytes: fs.readFileSync(file) });
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(
    `reads every mutation to an end or a one-line error within ${BUDGET_MS / 1000} s`,
    { timeout: BUDGET_MS + 3 * CASE_MS },
    async () => {
      const rand = seededRandom(SEED);
      const started = Date.now();
      const failures: string[] = [];
      let cases = 0;
      let refused = 0;
      while (Date.now() - started < BUDGET_MS) {
        const seed = seeds[Math.floor(rand() * seeds.length)]!;
        // Now and then under another name: misnamed formats are input too.
        const ext =
          rand() < 0.15 ? (seed.name.endsWith('.xlsx') ? '.csv' : '.xlsx') : path.extname(seed.name);
        const file = path.join(dir, `case-${cases}${ext}`);
        fs.writeFileSync(file, mutate(seed.bytes, rand));
        const label = `case ${cases} (${seed.name} as ${ext})`;
        cases++;
        let timer: NodeJS.Timeout | undefined;
        try {
          const sheets = await Promise.race([
            readAll(file),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no end after ${CASE_MS} ms`)), CASE_MS);
            }),
          ]);
          for (const s of sheets) {
            if (s.summary.rows !== s.records.length + s.rejects.length)
              failures.push(
                `${label}: ${s.summary.rows} rows, ${s.records.length} records, ${s.rejects.length} rejects`,
              );
          }
        } catch (err) {
          if (err instanceof CrmEtlError && !err.describe().includes('\n')) refused++;
          else {
            failures.push(`${label}: ${(err as Error).stack ?? String(err)}`);
            // CRM_ETL_FUZZ_KEEP=<folder> keeps the failing inputs, to reproduce them.
            const keep = process.env.CRM_ETL_FUZZ_KEEP;
            if (keep) fs.copyFileSync(file, path.join(keep, path.basename(file)));
          }
        } finally {
          clearTimeout(timer);
          fs.rmSync(file, { force: true });
        }
      }
      console.log(
        `[fuzz] ${cases} mutations in ${Date.now() - started} ms: ${refused} refused with a one-line error`,
      );
      expect(cases).toBeGreaterThan(20);
      expect(failures).toEqual([]);
    },
  );
});
