import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';

const targets = await engineTargets();

const HEADER = 'Код клиента,ФИО,Телефон,E-mail,Компания,Город';
// Ivanov: Latin in one row, Cyrillic with a patronymic in the other (one phone).
// Petrov: two sources, equally often each city (a tie survivorship must break by the data).
const SHEET_A = [
  'К-1,Ivan Ivanov,+79161234567,,,Moscow',
  'К-2,Иванов Иван Иванович,+79161234567,ivanov@example.ru,,Москва',
  'К-3,ООО «Ромашка»,+79035550011,info@romashka.ru,,Казань',
  'К-4,Петров Пётр,+79990001122,,,Казань',
  'К-5,"Romashka Trade, LLC",+79035550099,,,Kazan',
];
const SHEET_B = [
  'Б-1,Петров Петр,+79990001122,petrov@example.ru,,Kazan',
  'Б-2,ИП Сидоров Олег,+79991112233,,,Самара',
];

const write = (dir: string, file: string, rows: string[]) =>
  fs.writeFileSync(path.join(dir, file), [HEADER, ...rows].join('\n') + '\n');

type Row = Record<string, unknown>;

/** Golden records a person would sign, and the same ones whatever order the sources were loaded in. */
describe.each(targets)('golden records on $engine', (target) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-golden-'));
  const dbs: Array<Awaited<ReturnType<typeof freshDatabase>>> = [];
  const golden: Row[][] = [];

  /** A warehouse loaded sheet by sheet in the given order, rows in the given order, then resolved. */
  async function build(order: Array<[source: string, rows: string[]]>): Promise<Row[]> {
    const db = await freshDatabase(target);
    dbs.push(db);
    for (const [source, rows] of order) {
      const file = `${source}-${dbs.length}.csv`;
      write(dir, file, rows);
      const r = crmEtl(['--db', db.url, 'import', file, '--source', source, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    const r = crmEtl(['--db', db.url, 'resolve', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const wh = await openWarehouse(db.url);
    try {
      const rows = (await wh
        .knex('dim_customer')
        .select(
          'customer_id',
          'full_name',
          'last_name',
          'first_name',
          'middle_name',
          'company',
          'email',
          'phone',
          'city',
        )
        .orderBy('customer_id')) as Row[];
      return rows.map((row) => ({ ...row, customer_id: Number(row.customer_id) }));
    } finally {
      await wh.close();
    }
  }

  beforeAll(async () => {
    if (target.unavailable) return;
    golden.push(
      await build([
        ['a', SHEET_A],
        ['b', SHEET_B],
      ]),
    );
    golden.push(
      await build([
        ['b', [...SHEET_B].reverse()],
        ['a', [...SHEET_A].reverse()],
      ]),
    );
  }, 240_000);
  afterAll(async () => {
    for (const db of dbs) await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const byPhone = (phone: string) => golden[0]!.find((r) => r.phone === phone)!;

  it.skipIf(target.unavailable)(
    'one customer, one script: never a Latin first name with a Cyrillic patronymic',
    () => {
      // a:К-1 (Latin) is the first record by source and key among equally frequent names.
      expect(byPhone('+79161234567')).toMatchObject({
        full_name: 'Ivan Ivanov',
        first_name: 'Ivan',
        last_name: 'Ivanov',
        middle_name: null,
        email: 'ivanov@example.ru',
      });
    },
  );

  it.skipIf(target.unavailable)('a company in the name column is the company, not a person named Ооо', () => {
    expect(byPhone('+79035550011')).toMatchObject({
      company: 'ООО Ромашка',
      full_name: null,
      last_name: null,
      first_name: null,
    });
    expect(byPhone('+79035550099')).toMatchObject({ company: 'Romashka Trade, LLC', last_name: null });
    expect(byPhone('+79991112233')).toMatchObject({
      company: 'ИП Сидоров Олег',
      full_name: 'Сидоров Олег',
      last_name: 'Сидоров',
      first_name: 'Олег',
    });
  });

  it.skipIf(target.unavailable)(
    'the same golden records whatever order sources and rows were loaded in',
    () => {
      const petrov = byPhone('+79990001122');
      // Tied cities (one each): the first record by source and key, a:К-4, decides.
      expect(petrov).toMatchObject({ city: 'Казань', full_name: 'Петров Пётр', email: 'petrov@example.ru' });
      expect(golden[1]).toEqual(golden[0]);
    },
  );
});
