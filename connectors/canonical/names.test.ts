import { describe, expect, it } from 'vitest';
import { completeNames } from './names.js';

describe('completeNames with a company in the name column', () => {
  it('moves the company to company and leaves no person named Ооо', () => {
    const v: Record<string, string> = { full_name: 'ООО «Ромашка»', phone: '+79161234567' };
    completeNames(v);
    expect(v).toEqual({ company: 'ООО Ромашка', phone: '+79161234567' });
  });

  it('a sole trader is the company and the person', () => {
    const v: Record<string, string> = { full_name: 'ИП Иванов Иван Иванович' };
    completeNames(v);
    expect(v).toEqual({
      company: 'ИП Иванов Иван Иванович',
      full_name: 'Иванов Иван Иванович',
      last_name: 'Иванов',
      first_name: 'Иван',
      middle_name: 'Иванович',
    });
  });

  it('keeps a company already in its column, and the name column unsplit', () => {
    const v: Record<string, string> = { full_name: 'Romashka LLC', company: 'Ромашка Трейд' };
    completeNames(v);
    expect(v).toEqual({ full_name: 'Romashka LLC', company: 'Ромашка Трейд' });
  });

  it('recognises a company typed into separate name columns', () => {
    const v: Record<string, string> = { last_name: 'ООО', first_name: 'Ромашка' };
    completeNames(v);
    expect(v).toEqual({ company: 'ООО Ромашка' });
  });

  it('leaves people alone', () => {
    const v: Record<string, string> = { full_name: 'Иванов Иван Иванович' };
    completeNames(v);
    expect(v).toMatchObject({ last_name: 'Иванов', first_name: 'Иван', middle_name: 'Иванович' });
  });
});
