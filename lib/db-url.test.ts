import { describe, expect, it } from 'vitest';
import { redactUrl, urlPassword } from './db-url.js';

describe('URL passwords are found and masked however they are written', () => {
  it.each([
    ['postgres://etl:secret@db:5432/crm', 'secret', 'postgres://etl:***@db:5432/crm'],
    ['postgres://:secret@db/crm', 'secret', 'postgres://:***@db/crm'],
    ['mysql://u:p@ss@host:3306/db', 'p@ss', 'mysql://u:***@host:3306/db'],
    ['mysql://u:p%40ss@host/db?ssl=true', 'p%40ss', 'mysql://u:***@host/db?ssl=true'],
    ['postgres://etl@db/crm', undefined, 'postgres://etl@db/crm'],
    ['sqlite:data/w.db', undefined, 'sqlite:data/w.db'],
    ['postgres://db/crm?note=a@b', undefined, 'postgres://db/crm?note=a@b'],
  ])('%s', (url, password, shown) => {
    expect(urlPassword(url)).toBe(password);
    expect(redactUrl(url)).toBe(shown);
  });
});
