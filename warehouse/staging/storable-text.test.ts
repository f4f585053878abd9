import { describe, expect, it } from 'vitest';
import { rowMaker, stagingRow } from './staging-row.js';
import { KEY_MAX_CHARS, storableReject, storableText, TEXT_MAX_BYTES } from './storable-text.js';
import { STG_CONTACT } from '../tables.js';

describe('storableText', () => {
  it('leaves storable text alone, emoji pairs included', () => {
    expect(storableText('Иванов 😀 \t tab')).toBeNull();
  });
  it('replaces NUL and unpaired surrogates by U+FFFD and says so', () => {
    expect(storableText('a\u0000b\u0000')).toEqual({
      text: 'a\ufffdb\ufffd',
      change: '2 NUL characters replaced by U+FFFD',
    });
    expect(storableText('x\ud800y\udc00z😀')).toEqual({
      text: 'x\ufffdy\ufffdz😀',
      change: '2 unpaired UTF-16 surrogates replaced by U+FFFD',
    });
  });
  it('shortens a long key to a prefix and a hash: same key, same form; two keys stay two', () => {
    const a = 'k'.repeat(300);
    const b = `${'k'.repeat(299)}l`;
    const short = storableText(a, 'key')!;
    expect(short.text.length).toBeLessThanOrEqual(KEY_MAX_CHARS);
    expect(short.text.startsWith('kkkk')).toBe(true);
    expect(storableText(a, 'key')!.text).toBe(short.text);
    expect(storableText(b, 'key')!.text).not.toBe(short.text);
    expect(short.change).toMatch(/^300 characters shortened to fit 255/);
    expect(storableText('k'.repeat(255), 'key')).toBeNull();
  });
  it('cuts a text column to 65,535 bytes of UTF-8 on a character boundary', () => {
    const text = 'ж'.repeat(40_000); // 80,000 bytes
    const cut = storableText(text, 'text')!;
    expect(Buffer.byteLength(cut.text, 'utf8')).toBe(TEXT_MAX_BYTES - 1);
    expect(cut.text).toBe('ж'.repeat((TEXT_MAX_BYTES - 1) / 2));
    expect(cut.change).toBe('80000 bytes cut to 65534 (a text column holds 65535)');
  });
});

describe('storableReject', () => {
  it('names the change to the raw row in the reason', () => {
    const reject = {
      stream: 'contact' as const,
      reason: 'bad',
      raw: 'a\u0000',
      lineage: { file: 'f', line: 2 },
    };
    expect(storableReject(reject)).toEqual({
      ...reject,
      raw: 'a\ufffd',
      reason: 'bad (raw row as stored: 1 NUL character replaced by U+FFFD)',
    });
    const clean = { ...reject, raw: 'a' };
    expect(storableReject(clean)).toBe(clean);
  });
});

describe('stagingRow', () => {
  const record = (fields: Record<string, string>, warnings: string[] = []) => ({
    stream: 'contact' as const,
    sourceKey: 'K1',
    fields,
    attributes: {},
    lineage: { file: 'f', line: 2 },
    warnings,
  });
  const make = rowMaker(STG_CONTACT);
  it('leaves a storable record alone', () => {
    const { row, warned } = stagingRow(make, STG_CONTACT, record({ full_name: 'Ivan' }), 's', 1, 'f');
    expect([row.full_name, row.warnings, warned]).toEqual(['Ivan', null, false]);
  });
  it('fixes a key column too long for its VARCHAR(255), a NUL quoted by a warning, and says so', () => {
    const { row, hashText, warned } = stagingRow(
      make,
      STG_CONTACT,
      record({ full_name: 'Ivan', postcode: '1'.repeat(300) }, [
        'birth_date "1\u00002" is not a date: dropped',
      ]),
      's',
      1,
      'f',
    );
    expect(warned).toBe(true);
    expect((row.postcode as string).length).toBeLessThanOrEqual(KEY_MAX_CHARS);
    expect(row.warnings).toBe(
      'birth_date "1\ufffd2" is not a date: dropped; ' +
        'postcode: 300 characters shortened to fit 255 (a hash of the whole value kept at the end)',
    );
    expect(hashText).toContain(row.postcode as string);
  });
});
