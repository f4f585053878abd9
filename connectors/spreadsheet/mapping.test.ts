import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { fixture } from '../../test/fixtures/spreadsheet/read-all.js';
import { loadMappingFile, parseMapping } from './mapping.js';

describe('loadMappingFile', () => {
  it('loads, normalizes and freezes a valid file', async () => {
    const mapping = await loadMappingFile(fixture('clients-cp1251.mapping.json'));
    expect(mapping).toEqual({
      stream: 'contact',
      encoding: 'windows-1251',
      delimiter: ';',
      headerRow: 3,
      columns: {
        'Код клиента': { field: 'source_key' },
        'Дата рождения': { field: 'birth_date', format: 'DD.MM.YYYY' },
        'Сумма покупок': { field: null },
      },
    });
    expect(Object.isFrozen(mapping.columns)).toBe(true);
  });

  it('names the unknown key of a file with a typo', async () => {
    const load = loadMappingFile(fixture('bad.mapping.json'));
    await expect(load).rejects.toThrow(ConfigError);
    await expect(load).rejects.toThrow(
      /bad\.mapping\.json: delimeter: unknown key \(known: stream, encoding/,
    );
  });

  it('reports a missing file and invalid JSON as ConfigError', async () => {
    await expect(loadMappingFile(fixture('nope.json'))).rejects.toThrow(
      /cannot read mapping file .*nope\.json: ENOENT/,
    );
    await expect(loadMappingFile(fixture('clients-koi8r.csv'))).rejects.toThrow(/is not valid JSON/);
  });
});

describe('parseMapping', () => {
  const error = (value: unknown): string => {
    try {
      parseMapping(value, 'm.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  it('names the offending key path', () => {
    expect(error({ columns: { ФИО: 'ful_name' } })).toMatch(
      /^m\.json: columns\["ФИО"\]\.field: unknown field "ful_name"/,
    );
    expect(error({ columns: { Дата: { field: 'birth_date', fromat: 'x' } } })).toBe(
      'm.json: columns["Дата"].fromat: unknown key (known: field, format, decimal)',
    );
    expect(error({ stream: 'orders' })).toMatch(/^m\.json: stream: /);
    expect(error({ encoding: 'cp-9999' })).toMatch(/^m\.json: encoding: unknown encoding "cp-9999"/);
    expect(error({ headerRow: 0 })).toMatch(/^m\.json: headerRow: /);
    expect(error({ columns: { Сумма: { field: 'amount', decimal: ';' } } })).toMatch(
      /^m\.json: columns\["Сумма"\]\.decimal: /,
    );
    expect(error([])).toMatch(/^m\.json: /);
  });

  it('accepts delimiter names', () => {
    expect(parseMapping({ delimiter: 'tab' }).delimiter).toBe('\t');
    expect(parseMapping({ delimiter: ';' }).delimiter).toBe(';');
  });
});
