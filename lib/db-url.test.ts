import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl, tlsOptions, urlPassword } from './db-url.js';

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

describe('TLS options read from a URL as PostgreSQL clients read them', () => {
  const tls = (query: string) =>
    tlsOptions(parseDatabaseUrl(`postgres://u@h/db${query}`, { what: 'warehouse', where: '--db' }));
  it.each([
    ['', undefined],
    ['?sslmode=disable', undefined],
    ['?sslmode=prefer', undefined],
    ['?sslmode=require', { rejectUnauthorized: false }],
    ['?sslmode=verify-ca', { rejectUnauthorized: true }],
    ['?sslmode=verify-full', { rejectUnauthorized: true }],
    ['?ssl=true', { rejectUnauthorized: true }],
  ])('%s', (query, expected) => {
    expect(tls(query)).toEqual(expected);
  });
});
