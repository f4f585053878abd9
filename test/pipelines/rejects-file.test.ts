import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRejectsReport } from '../../connectors/spreadsheet/rejects-report.js';
import { RejectsFile } from '../../pipelines/rejects-file.js';
import { expandGlob } from '../../connectors/spreadsheet/config.js';

describe('RejectsFile', () => {
  it('makes the caller wait while the file is behind, and loses no reject', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rejects-'));
    const file = new RejectsFile(path.join(dir, 'in.rejects.csv'));
    const raw = 'x'.repeat(4_000);
    let waits = 0;
    for (let i = 0; i < 500; i++) {
      const pending = file.add({
        stream: 'contact',
        reason: `bad ${i}`,
        raw,
        lineage: { file: 'in.csv', line: i + 2 },
      });
      if (pending) {
        waits++;
        await pending;
      }
    }
    expect(await file.close()).toBe(file.path);
    // 2 MB of rejects cannot sit in the stream's 16 kB buffer: the caller was held back.
    expect(waits).toBeGreaterThan(0);
    const lines = fs.readFileSync(file.path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(501);
    expect(lines[500]).toBe(`in.csv,501,contact,bad 499,${raw}`);
  });

  it('fails, rather than waits forever, when the file cannot be written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rejects-'));
    const file = new RejectsFile(dir); // a folder: opening it for writing fails (EISDIR)
    const raw = 'x'.repeat(4_000);
    const adding = (async () => {
      for (let i = 0; i < 500; i++)
        await file.add({ stream: 'contact', reason: 'bad', raw, lineage: { file: 'in.csv', line: i + 2 } });
    })();
    await expect(adding).rejects.toThrow(/EISDIR/);
    await expect(file.close()).rejects.toThrow(/EISDIR/);
  });

  it('removes a stale rejects file when an import has no rejects', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rejects-'));
    const stale = path.join(dir, 'in.rejects.csv');
    fs.writeFileSync(stale, 'old');
    expect(await new RejectsFile(stale).close()).toBeNull();
    expect(fs.existsSync(stale)).toBe(false);
  });

  it('is recognized by its header among the inputs, whatever its name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rejects-'));
    const report = new RejectsFile(path.join(dir, 'clients.rejects.csv'));
    await report.add({
      stream: 'contact',
      reason: 'bad',
      raw: 'x;y',
      lineage: { file: 'clients.csv', line: 2 },
    });
    await report.close();
    fs.copyFileSync(report.path, path.join(dir, 'renamed.csv'));
    fs.writeFileSync(path.join(dir, 'clients.csv'), 'ФИО;Телефон\nИванов Иван;89161234567\n');
    // A sheet whose name looks like a report is still a sheet.
    fs.writeFileSync(path.join(dir, 'sheet.rejects.csv'), 'file,line,Город\na,1,Москва\n');

    expect(isRejectsReport(report.path)).toBe(true);
    expect(isRejectsReport(path.join(dir, 'renamed.csv'))).toBe(true);
    expect(isRejectsReport(path.join(dir, 'clients.csv'))).toBe(false);
    expect(isRejectsReport(dir)).toBe(false);
    expect(isRejectsReport(path.join(dir, 'missing.csv'))).toBe(false);
    expect(expandGlob(path.join(dir, '*.csv')).map((f) => path.basename(f))).toEqual([
      'clients.csv',
      'sheet.rejects.csv',
    ]);
  });
});
