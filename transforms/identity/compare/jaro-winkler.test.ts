import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from './jaro-winkler.js';
import { withinOneEdit } from './one-edit.js';

describe('jaroWinkler', () => {
  it('reproduces the published reference values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.944, 3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaro('crate', 'trace')).toBeCloseTo(0.733, 3);
  });

  it('handles identical, empty and disjoint strings', () => {
    expect(jaroWinkler('ivanov', 'ivanov')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('', 'ivanov')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('is symmetric and works on Cyrillic code units', () => {
    expect(jaroWinkler('иванов', 'иваноф')).toBeCloseTo(jaroWinkler('иваноф', 'иванов'), 12);
    expect(jaroWinkler('иванов', 'иваноф')).toBeGreaterThan(0.9);
    expect(jaroWinkler('petrov', 'sidorov')).toBeLessThan(0.8);
  });

  it('does not boost a shared first letter of unrelated names', () => {
    expect(jaroWinkler('anna', 'alexander')).toBe(jaro('anna', 'alexander'));
  });

  it('grows its scratch buffers for long strings', () => {
    const a = 'x'.repeat(200) + 'abc';
    expect(jaroWinkler(a, a + 'd')).toBeGreaterThan(0.99);
  });
});

describe('withinOneEdit', () => {
  it('accepts one substitution, insertion, deletion or adjacent swap', () => {
    expect(withinOneEdit('1804974', '1804974')).toBe(true);
    expect(withinOneEdit('1804974', '1804973')).toBe(true);
    expect(withinOneEdit('1804974', '180974')).toBe(true);
    expect(withinOneEdit('1804974', '18049744')).toBe(true);
    expect(withinOneEdit('1804974', '1809474')).toBe(true);
  });

  it('rejects two edits', () => {
    expect(withinOneEdit('1804974', '1804900')).toBe(false);
    expect(withinOneEdit('1804974', '18047')).toBe(false);
    expect(withinOneEdit('abcd', 'badc')).toBe(false);
  });
});
