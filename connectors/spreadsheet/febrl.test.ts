import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readOne } from '../../test/fixtures/spreadsheet/read-all.js';
import { loadMappingFile } from './index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const datasets = resolve(repoRoot, '../shared/datasets');
const dataset3 = resolve(datasets, 'febrl/dataset3.csv');

describe.skipIf(!existsSync(dataset3))('Febrl dataset3 with its mapping file', () => {
  it('yields exactly 5,000 records, invalid birth dates as warnings', async () => {
    const mapping = await loadMappingFile(resolve(datasets, 'febrl/febrl-mapping.json'));
    const { detection, records, rejects, summary } = await readOne(dataset3, { mapping });
    expect(detection).toMatchObject({ encoding: 'utf-8', delimiter: ',', headerRow: 1, stream: 'contact' });
    expect(records.length + rejects.length).toBe(5000);
    expect(records).toHaveLength(5000);
    expect(summary).toEqual({ rowsAboveHeader: 0, blankRows: 0, rows: 5000, records: 5000, rejects: 0 });
    expect(new Set(records.map((r) => r.sourceKey)).size).toBe(5000);
    expect(records[0]).toMatchObject({
      sourceKey: 'rec-1496-org',
      fields: {
        first_name: 'Mitchell',
        last_name: 'Green',
        house: '7',
        street: 'wallaby place',
        city: 'cleveland',
        postcode: '2119',
        region: 'sa',
        birth_date: '1956-04-09',
        personal_id: '1804974',
      },
      attributes: { address_2: 'delmar' },
      lineage: { line: 2 },
    });
    const warned = records.filter((r) => r.warnings.length > 0);
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((r) => r.warnings.every((w) => /^birth_date "\d{8}" .+: dropped$/.test(w)))).toBe(
      true,
    );
    expect(warned.every((r) => r.fields.birth_date === undefined)).toBe(true);
  });
});
