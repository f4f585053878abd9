import { describe, expect, it } from 'vitest';
import { phoneticKey } from '../../normalize/index.js';
import { nameFamily, sameNameFamily, weakNameFamily } from './nicknames.js';

describe('nickname and diminutive table', () => {
  it('joins the short forms named in the identity issue to their full names', () => {
    for (const [short, full] of [
      ['Fred', 'Alfred'],
      ['Ed', 'Eddy'],
      ['Bill', 'William'],
      ['Саша', 'Александр'],
      ['Женя', 'Евгений'],
      ['Дима', 'Дмитрий'],
      ['Катя', 'Екатерина'],
    ] as const) {
      expect(sameNameFamily(short, full), `${short} / ${full}`).toBe(true);
    }
  });

  it('meets across scripts and spellings', () => {
    expect(sameNameFamily('Sasha', 'Александр')).toBe(true);
    expect(sameNameFamily('Sascha', 'Aleksandr')).toBe(true);
    expect(sameNameFamily('Alexander', 'Шура')).toBe(true);
    expect(sameNameFamily('Zhenya', 'Evgeniy')).toBe(true);
    expect(sameNameFamily('Евгения', 'Женя')).toBe(true); // female full form, same short form
    expect(sameNameFamily('Katya', 'Ekaterina')).toBe(true);
    expect(sameNameFamily('ЛЁША', 'алексей')).toBe(true); // case and ё do not matter
  });

  it('keeps different names apart', () => {
    expect(sameNameFamily('Дмитрий', 'Александр')).toBe(false);
    expect(sameNameFamily('Bill', 'Robert')).toBe(false);
    expect(sameNameFamily('Александр', 'Алексей')).toBe(false); // "Алекс" belongs to Александр only
    expect(sameNameFamily('Sasha', 'Lesha')).toBe(false);
    expect(sameNameFamily('Катя', 'Настя')).toBe(false);
    // Слава is listed under Вячеслав only: Станислав and Ярослав must not meet through it.
    expect(sameNameFamily('Станислав', 'Ярослав')).toBe(false);
    expect(sameNameFamily('Слава', 'Вячеслав')).toBe(true);
  });

  it('knows nothing of names outside the table', () => {
    expect(nameFamily('Зебедей')).toBe(-1);
    expect(sameNameFamily('Зебедей', 'Зебедей')).toBe(false);
    expect(nameFamily('')).toBe(-1);
  });

  it('joins families that share a short form (Fred: Alfred and Frederick)', () => {
    expect(sameNameFamily('Alfred', 'Frederick')).toBe(true);
  });

  it('lets a form shared by two names agree weakly with the other one, not as its family', () => {
    const weak = (a: string, b: string): boolean => weakNameFamily(phoneticKey(a), phoneticKey(b));
    expect(sameNameFamily('Гоша', 'Георгий')).toBe(true);
    expect(sameNameFamily('Гоша', 'Игорь')).toBe(false);
    expect(weak('Гоша', 'Игорь')).toBe(true);
    expect(weak('Igor', 'Gosha')).toBe(true); // either order, any script
    expect(weak('Slava', 'Станислав')).toBe(true);
    // Through the shared form only: Георгий and Игорь, Станислав and Вячеслав stay apart.
    expect(weak('Георгий', 'Игорь')).toBe(false);
    expect(weak('Станислав', 'Вячеслав')).toBe(false);
    expect(weak('Гоша', 'Дмитрий')).toBe(false);
  });
});
