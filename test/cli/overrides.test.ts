import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';

const targets = await engineTargets();

// К-1 and К-2 share a phone (one person to the rules); К-3 and К-4 have nothing in common.
const CSV = [
  'Код клиента,ФИО,Телефон,E-mail,Город',
  'К-1,Иванов Иван Петрович,+79161234567,ivan@example.ru,Москва',
  'К-2,Иванов Иван,+79161234567,,Москва',
  'К-3,Петрова Анна Сергеевна,+79035550011,anna@example.ru,Казань',
  'К-4,Сидоров Олег,+79990001122,oleg@example.ru,Самара',
].join('\n');

interface Explained {
  overrides: Array<{ id: number; kind: string }>;
  merges: Array<{ kind: string; reason: string }>;
}

/** An operator corrects links, is stopped from contradicting themselves, and takes corrections back. */
describe.each(targets)('overrides an operator can trust, on $engine', (target) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-overrides-'));
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let wh: Warehouse;
  const cli = (...args: string[]) => crmEtl(['--db', db.url, ...args], { cwd: dir });
  const customerOf = async (key: string) =>
    Number(
      (
        (await wh
          .knex('customer_crosswalk')
          .where({ source: 'sheet', source_key: key })
          .first('customer_id')) as {
          customer_id: unknown;
        }
      ).customer_id,
    );
  const resolve = () => {
    const r = cli('resolve', '--json');
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    fs.writeFileSync(path.join(dir, 'contacts.csv'), CSV + '\n');
    const imported = cli('import', 'contacts.csv', '--source', 'sheet', '--json');
    expect(imported.code, imported.stderr).toBe(0);
    resolve();
    wh = await openWarehouse(db.url);
  }, 120_000);
  afterAll(async () => {
    await wh?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(target.unavailable)(
    'refuses unknown records and self-pairs with exit 2, naming them',
    async () => {
      expect(await customerOf('К-1')).toBe(await customerOf('К-2'));
      const unknown = cli('same', 'sheet:К-9', 'sheet:К-1');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(
        /^crm-etl: No record 'sheet:К-9' in the warehouse: source sheet has no record/m,
      );
      const noSource = cli('different', 'sheet:К-1', 'crm:К-1');
      expect(noSource.code).toBe(2);
      expect(noSource.stderr).toMatch(
        /No record 'crm:К-1'.*no source named 'crm'.*sources with contacts: sheet/,
      );
      const self = cli('same', 'sheet:К-1', 'sheet:К-1');
      expect(self.code).toBe(2);
      expect(self.stderr).toMatch(/'sheet:К-1' is named twice/);
      // The same record by its file and line (the header is line 1).
      const byLine = cli('different', 'sheet:К-1', 'sheet:contacts.csv:2');
      expect(byLine.code).toBe(2);
      expect(byLine.stderr).toMatch(/'sheet:К-1' and 'sheet:contacts.csv:2' are the same record, sheet:К-1/);
      expect(cli('overrides', '--json').json<{ overrides: unknown[] }>().overrides).toEqual([]);
    },
  );

  it.skipIf(target.unavailable)('refuses a contradiction, naming the override it contradicts', () => {
    const different = cli('different', 'sheet:К-1', 'sheet:contacts.csv:3', '--note', 'father and son');
    expect(different.code, different.stderr).toBe(0);
    expect(different.stdout).toMatch(
      /^Recorded override #1: sheet:К-1 and sheet:К-2 are different customers/,
    );
    const contradicts = cli('same', 'sheet:К-2', 'sheet:К-1');
    expect(contradicts.code).toBe(2);
    expect(contradicts.stderr).toMatch(
      /Refused: override #1 different sheet:К-1 ≠ sheet:К-2 .*overrides remove 1/,
    );

    expect(cli('same', 'sheet:К-3', 'sheet:К-4').code).toBe(0);
    // Through a chain: К-2 ≠ К-1 and К-3 = К-4 are fine; К-1 = К-3 then К-2 = К-4 would join К-1 and К-2.
    expect(cli('same', 'sheet:К-1', 'sheet:К-3').code).toBe(0);
    const chained = cli('same', 'sheet:К-4', 'sheet:К-2');
    expect(chained.code).toBe(2);
    expect(chained.stderr).toMatch(/Refused: the overrides #1 .*, #3 .*, #2 .* together say/);
    expect(cli('overrides', 'remove', '3').code).toBe(0);
    // A repeat is not stored twice.
    const again = cli('same', 'sheet:К-4', 'sheet:К-3', '--json');
    expect(again.json()).toMatchObject({ id: 2, existing: true });
  });

  it.skipIf(target.unavailable)('lists overrides as a table and as JSON', () => {
    const table = cli('overrides');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+kind\s+record\s+record\s+by\s+when \(UTC\)\s+note$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['1', 'different', 'sheet:К-1', 'sheet:К-2'],
      ['2', 'same', 'sheet:К-3', 'sheet:К-4'],
    ]);
    expect(lines[2]).toMatch(/father and son$/);
    const all = cli('overrides', '--all', '--json').json<{
      overrides: Array<{ id: number; removedAt: string | null; removedBy: string | null }>;
    }>();
    expect(all.overrides.map((o) => [o.id, o.removedAt !== null])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(all.overrides[2]!.removedBy).toBe(os.userInfo().username);
  });

  it.skipIf(target.unavailable)(
    'resolve honours them; explain shows them and the merge log names them',
    async () => {
      const ivan = await customerOf('К-1');
      resolve();
      expect(await customerOf('К-1')).toBe(ivan);
      expect(await customerOf('К-2')).not.toBe(ivan);
      expect(await customerOf('К-3')).toBe(await customerOf('К-4'));

      const split = cli('explain', String(ivan), '--json').json<Explained>();
      expect(split.overrides.map((o) => [o.id, o.kind])).toEqual([[1, 'different']]);
      expect(split.merges).toContainEqual(
        expect.objectContaining({
          kind: 'split',
          reason: 'operator override #1 different sheet:К-1 ≠ sheet:К-2',
        }),
      );
      const joined = await customerOf('К-3');
      const text = cli('explain', String(joined));
      expect(text.stdout).toMatch(/linked by operator override/);
      expect(text.stdout).toMatch(/overrides:\n {2}#2 same sheet:К-3 = sheet:К-4 \(by /);
      expect(text.stdout).toMatch(/merge: \d+ <- \d+ \(operator override #2 same sheet:К-3 = sheet:К-4\)/);
    },
  );

  it.skipIf(target.unavailable)('removing an override undoes its effect on the next resolve', async () => {
    expect(cli('overrides', 'remove', '1').code).toBe(0);
    expect(cli('overrides', 'remove', '2').code).toBe(0);
    resolve();
    expect(await customerOf('К-1')).toBe(await customerOf('К-2'));
    expect(await customerOf('К-3')).not.toBe(await customerOf('К-4'));
    const explained = cli('explain', String(await customerOf('К-1')), '--json').json<Explained>();
    expect(explained.overrides).toEqual([]);
    expect(explained.merges).toContainEqual(
      expect.objectContaining({
        kind: 'merge',
        reason: 'operator removed override #1 different sheet:К-1 ≠ sheet:К-2',
      }),
    );
    const twice = cli('overrides', 'remove', '1');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/Override #1 was removed already \(by /);
    const missing = cli('overrides', 'remove', '99');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No override #99/);
    expect(cli('overrides').stdout).toMatch(/^No overrides in force/);
  });
});
