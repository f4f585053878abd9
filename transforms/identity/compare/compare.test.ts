import { describe, expect, it } from 'vitest';
import { dateLevel, nameLevel } from './compare.js';
import { NAME } from '../shared/fields.js';

describe('dateLevel', () => {
  it('grades birth dates', () => {
    expect(dateLevel(19800115, 19800115)).toBe(0);
    expect(dateLevel(19800105, 19800501)).toBe(1); // day and month swapped
    expect(dateLevel(19800115, 19800116)).toBe(2); // one digit
    expect(dateLevel(19800115, 19801015)).toBe(2); // two neighbouring digits swapped (01 -> 10)
    expect(dateLevel(19800115, 19911231)).toBe(3);
    expect(dateLevel(0, 19800115)).toBe(255); // missing is neutral
  });
});

describe('nameLevel', () => {
  it('grades names', () => {
    expect(nameLevel('ivanov', 'ivanov', 1, 1)).toBe(NAME.exact);
    expect(nameLevel('ivanov', 'ivanova', 1, 2)).toBe(NAME.jw94);
    expect(nameLevel('ivanov', 'ivanof', 1, 2)).toBe(NAME.jw88);
    expect(nameLevel('i', 'ivan', -1, 3)).toBe(NAME.initial);
    expect(nameLevel('a', 'ivan', -1, 3)).toBe(NAME.else);
    expect(nameLevel('yuliya', 'iuliia', 7, 7)).toBe(NAME.phonetic);
    expect(nameLevel('petrov', 'sidorenko', 1, 2)).toBe(NAME.else);
  });
});
