import { describe, expect, it } from 'vitest';
import type { StageRow } from '../engines/adapter.js';
import { STG_CONTACT, STG_INTERACTION, type StagingTableSpec } from '../tables.js';
import { rowHash } from './loader.js';

/** The spec as it was before its later columns were added (the release a warehouse was staged by). */
function before(spec: StagingTableSpec): StagingTableSpec {
  const later = new Set(spec.hashOnlyWhenSet);
  return { ...spec, columns: spec.columns.filter((c) => !later.has(c.name)), hashOnlyWhenSet: [] };
}

describe('row hash across a release that adds staging columns', () => {
  const contact: StageRow = {
    source: 'sheet',
    source_key: 'К-1',
    first_name: 'Иван',
    last_name: 'Петров',
    email: 'ivan@example.ru',
    birth_date: null,
    attributes: { 'Доп. поле': 'x' },
    warnings: null,
  };
  const letter: StageRow = {
    source: 'mail',
    source_key: 'm1@client.ru',
    channel: 'email',
    subject: 'Запрос',
    thread_key: 'm1@client.ru',
    attributes: {},
  };

  it('keeps the hash of a row that leaves the new columns empty, so a re-import finds it unchanged', () => {
    expect(STG_CONTACT.hashOnlyWhenSet).toContain('birth_date_partial');
    expect(STG_INTERACTION.hashOnlyWhenSet).toContain('utm_source');
    expect(rowHash(STG_CONTACT, contact)).toBe(rowHash(before(STG_CONTACT), contact));
    expect(rowHash(STG_INTERACTION, letter)).toBe(rowHash(before(STG_INTERACTION), letter));
  });

  it('changes the hash once a new column holds a value, and tells columns apart', () => {
    const partial = { ...contact, birth_date_partial: '1980-05' };
    expect(rowHash(STG_CONTACT, partial)).not.toBe(rowHash(STG_CONTACT, contact));
    const bySource = { ...letter, utm_source: 'yandex' };
    const byMedium = { ...letter, utm_medium: 'yandex' };
    expect(rowHash(STG_INTERACTION, bySource)).not.toBe(rowHash(STG_INTERACTION, letter));
    expect(rowHash(STG_INTERACTION, bySource)).not.toBe(rowHash(STG_INTERACTION, byMedium));
  });
});
