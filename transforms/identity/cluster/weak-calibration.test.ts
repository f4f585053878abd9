import { describe, expect, it } from 'vitest';
import { resolve } from '../resolve.js';
import { contacts, together } from '../../../test/support/identity/contacts.js';
import { rareNameRows as rows } from '../../../test/support/identity/rare-names.js';

describe('names-only links calibrated on the records that carry a phone or e-mail', () => {
  it('keeps the names-only evidence as it is where one name is one person', () => {
    const r = resolve(contacts(rows(200, 1)));
    expect(r.model.namesOnlyCorrection).toBe(0);
    // The city-only row of name 0 (record 401) joins its person (records 1 and 2).
    expect(together(r, 1, 401)).toBe(true);
  });

  it('asks more of a names-only link where the phones show one name is often two people', () => {
    const data = contacts(rows(200, 2));
    const r = resolve(data);
    expect(r.model.namesOnlyCorrection).toBeLessThan(-1);
    // Names 0: records 1–2 one person, 3–4 the other; 801 is the city-only row.
    expect(together(r, 1, 3)).toBe(false);
    expect(together(r, 1, 801) || together(r, 3, 801)).toBe(false);
  });

  it('uses the correction stored in a model instead of learning one', () => {
    const data = contacts(rows(200, 1));
    const first = resolve(data);
    const strict = resolve(data, { model: { ...first.model, namesOnlyCorrection: -60 } });
    expect(strict.model.namesOnlyCorrection).toBe(-60);
    expect(together(strict, 1, 401)).toBe(false);
  });

  it('shows a names-only link at its calibrated score, capped by the namesake ceiling', () => {
    const data = contacts(rows(200, 1));
    const r = resolve(data);
    const ceiling = r.model.namesOnlyCeiling!;
    expect(ceiling).toBeGreaterThanOrEqual(0.5);
    expect(ceiling).toBeLessThanOrEqual(1);
    const link = r.links.get(401)!;
    expect(link.rule).toBe('fs');
    expect(link.score).toBeLessThanOrEqual(ceiling);
    expect(link.score).toBeCloseTo(1 / (1 + 2 ** -link.weight!), 9);
    // Said on the link, so explain can say its score is not the sum of the field weights.
    expect(link.namesOnly).toBe(true);
    const byPhone = r.links.get(2)!;
    expect(byPhone.rule).toBe('phone');
    expect(byPhone.namesOnly).toBe(false);
    // A stored model's ceiling is used as it is, and only for the score: the link is still made.
    const capped = resolve(data, { model: { ...r.model, namesOnlyCeiling: 0.6 } });
    expect(capped.model.namesOnlyCeiling).toBe(0.6);
    expect(together(capped, 1, 401)).toBe(true);
    expect(capped.links.get(401)!.score).toBeLessThanOrEqual(0.6);
    expect(capped.links.get(401)!.score).toBeGreaterThan(0.6 * 0.85);
  });
});
