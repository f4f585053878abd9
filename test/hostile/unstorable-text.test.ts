import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../pipelines/commands/import-files.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';

const targets = await engineTargets();

/**
 * Six rows, one without identity (quarantined). NUL bytes in a name, an unmapped column and the
 * quarantined row; the UTF-16 file also has an unpaired surrogate, which its decoder passes on.
 */
const ROWS = [
  'Client ID,Name,Email,Note',
  'C1,Ivan Petrov,ivan@example.com,ok',
  'C2,Anna\u0000 Smirnova,anna@example.com,no\u0000te',
  'C3,Petr Sidorov,petr@example.com,half \ud800 pair',
  'C4,,,broken\u0000row',
  'C5,Olga Popova,olga@example.com,y',
  'C6,Pavel Orlov,pavel@example.com,z',
];

describe.each(targets)('text no engine can store, on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let dir: string;

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-unstorable-'));
    // UTF-8 cannot carry the unpaired surrogate (it would be written as U+FFFD): leave it out there.
    fs.writeFileSync(path.join(dir, 'nul.csv'), ROWS.join('\n').replace('\ud800', '?') + '\n');
    fs.writeFileSync(
      path.join(dir, 'utf16.csv'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ROWS.join('\r\n') + '\r\n', 'utf16le')]),
    );
    expect(crmEtl(['migrate', '--db', db.url]).code).toBe(0);
  });
  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it.skipIf(target.unavailable).for([
    ['nul.csv', 'never'],
    ['nul.csv', 'always'],
    ['utf16.csv', 'never'],
    ['utf16.csv', 'always'],
  ] as const)('%s (reader thread: %s) stages 5 rows and quarantines 1', async ([name, worker]) => {
    const source = `${name}-${worker}`;
    const res = crmEtl(['import', path.join(dir, name), '--source', source, '--db', db.url, '--json'], {
      env: { CRM_ETL_CSV_WORKER: worker },
    });
    expect(res.code, res.stderr).toBe(0);
    const [file] = res.json<{ files: FileSummary[] }>().files;
    expect(file).toMatchObject({ rows: 6, loaded: 5, quarantined: 1, duplicates: 0 });

    const wh = await openWarehouse(db.url);
    try {
      const staged = (await wh
        .knex('stg_contact')
        .where({ source })
        .orderBy('source_key')
        .select('source_key', 'full_name', 'attributes', 'warnings')) as Array<Record<string, unknown>>;
      const note = (key: string) => {
        const a = staged.find((r) => r.source_key === key)!.attributes;
        return (typeof a === 'string' ? JSON.parse(a) : a) as Record<string, string>;
      };
      expect(staged.map((r) => r.source_key)).toEqual(['C1', 'C2', 'C3', 'C5', 'C6']);
      // A NUL inside a name is a control character: cleaned as any other (a space, collapsed).
      expect(staged.find((r) => r.source_key === 'C2')!.full_name).toBe('Anna Smirnova');
      expect(note('C2')).toEqual({ Note: 'no\ufffdte' });
      expect(staged.find((r) => r.source_key === 'C2')!.warnings).toBe(
        'attribute "Note": 1 NUL character replaced by U+FFFD',
      );
      if (name === 'utf16.csv') {
        expect(note('C3')).toEqual({ Note: 'half \ufffd pair' });
        expect(staged.find((r) => r.source_key === 'C3')!.warnings).toBe(
          'attribute "Note": 1 unpaired UTF-16 surrogate replaced by U+FFFD',
        );
      }
      const quarantined = (await wh
        .knex('stg_quarantine')
        .where({ source })
        .select('reason', 'raw')) as Array<Record<string, string>>;
      expect(quarantined).toEqual([
        {
          reason:
            'no usable identity: no name, email, phone, company, tax id or personal id ' +
            '(raw row as stored: 1 NUL character replaced by U+FFFD)',
          raw: 'C4,,,broken\ufffdrow',
        },
      ]);
    } finally {
      await wh.close();
    }
  });
});
