import { describe, expect, it } from 'vitest';
import * as normalize from './index.js';

// Other modules code against these names; renaming one must fail here first.
const CONTRACT = [
  'cleanText',
  'looksLikeFormula',
  'csvSafe',
  'splitFullName',
  'normalizePersonName',
  'foldForMatch',
  'toLatin',
  'phoneticKey',
  'normalizePhone',
  'normalizeEmail',
  'emailMatchKey',
  'isRoleAddress',
  'parseDate',
  'parseDateTime',
  'excelSerialToIso',
  'parseAmount',
  'normalizeCompanyName',
  'companyMatchKey',
  'normalizeInn',
] as const;

describe('normalize index', () => {
  it.each(CONTRACT)('exports %s', (name) => {
    expect(typeof normalize[name]).toBe('function');
  });
});
