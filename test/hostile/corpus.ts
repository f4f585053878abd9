/**
 * The hostile-input corpus: files a user may pick up from an inbox, each with what `crm-etl
 * import` must make of it. Small ones are written here too (no binary fixtures in git); big ones
 * are generated at test time from a seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { seededRandom } from '../../lib/random.js';
import { zipParts, type ZipPart } from './zip-writer.js';

export type Outcome =
  /** Imported: the counts (rows = loaded + quarantined + duplicates). */
  | { rows: number; loaded: number; quarantined: number }
  /** Refused with one line matching `error` (exit code 4 unless `code` says otherwise). */
  | { error: RegExp; code?: number };

export interface HostileFile {
  name: string;
  why: string;
  write(file: string): void;
  outcome: Outcome;
  /** Limits set for this file's import (the defaults otherwise). */
  env?: Record<string, string>;
}

const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`);

/** The parts every workbook has, with `sharedStrings` and `sheet` as given (in Excel's order). */
function workbook(sharedStrings: Buffer | null, sheet: Buffer, extra: Partial<ZipPart> = {}): ZipPart[] {
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      data: xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
          '</Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
          '</Relationships>',
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: xml(
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
          '<sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' +
          '</Relationships>',
      ),
    },
  ];
  if (sharedStrings !== null) parts.push({ name: 'xl/sharedStrings.xml', data: sharedStrings, ...extra });
  parts.push({ name: 'xl/worksheets/sheet1.xml', data: sheet });
  return parts;
}

const SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
/** A sheet of a header and two contacts, cell B3 being shared string 0. */
const SHEET = xml(
  `<worksheet ${SHEET_NS}><sheetData>` +
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Email</t></is></c></row>' +
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Ivan Petrov</t></is></c><c r="B2" t="inlineStr"><is><t>ivan@example.com</t></is></c></row>' +
    '<row r="3"><c r="A3" t="inlineStr"><is><t>Anna Smirnova</t></is></c><c r="B3" t="s"><v>0</v></c></row>' +
    '</sheetData></worksheet>',
);

/** A shared strings part whose one string is `size` bytes of "A". */
function hugeSharedString(size: number): Buffer {
  const head = Buffer.from(`<?xml version="1.0"?><sst ${SHEET_NS} count="1" uniqueCount="1"><si><t>`);
  const tail = Buffer.from('</t></si></sst>');
  return Buffer.concat([head, Buffer.alloc(size, 'A'), tail]);
}

const LAUGHS = xml(
  '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
    ).join('') +
    `]><sst ${SHEET_NS} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>`,
);

const CONTACTS = [
  'Client ID,Name,Email',
  'C1,Ivan Petrov,ivan@example.com',
  'C2,Anna Smirnova,anna@example.com',
];

export const CORPUS: readonly HostileFile[] = [
  {
    name: 'empty.csv',
    why: 'nothing at all',
    write: (f) => fs.writeFileSync(f, ''),
    outcome: { rows: 0, loaded: 0, quarantined: 0 },
  },
  {
    name: 'header-only.csv',
    why: 'a header and no rows',
    write: (f) => fs.writeFileSync(f, `${CONTACTS[0]}\n`),
    outcome: { rows: 0, loaded: 0, quarantined: 0 },
  },
  {
    name: 'garbage.csv',
    why: 'binary garbage named .csv',
    write: (f) => {
      const rand = seededRandom(99);
      fs.writeFileSync(f, Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(rand() * 256))));
    },
    // Read as Windows-1251 text; no row has a usable identity.
    outcome: { rows: 179, loaded: 0, quarantined: 179 },
  },
  {
    name: 'workbook-named.csv',
    why: 'an XLSX renamed .csv',
    write: (f) => fs.writeFileSync(f, zipParts(workbook(null, SHEET))),
    // Read as the workbook it is (formats are told by content); its missing shared string is an empty cell.
    outcome: { rows: 2, loaded: 2, quarantined: 0 },
  },
  {
    name: 'text-named.xlsx',
    why: 'a CSV renamed .xlsx',
    write: (f) => fs.writeFileSync(f, `${CONTACTS.join('\n')}\n`),
    outcome: { error: /text-named\.xlsx is not a valid XLSX workbook \(it is not a zip file\)/ },
  },
  {
    name: 'truncated.xlsx',
    why: 'a workbook cut in half',
    write: (f) => {
      const whole = zipParts(workbook(xml(`<sst ${SHEET_NS}><si><t>anna@example.com</t></si></sst>`), SHEET));
      fs.writeFileSync(f, whole.subarray(0, Math.floor(whole.length / 2)));
    },
    outcome: {
      error: /truncated\.xlsx is not a readable XLSX workbook: the end of the zip directory is missing/,
    },
  },
  {
    name: 'corrupt-deflate.xlsx',
    why: 'a part whose compressed bytes do not inflate (exceljs waited for it forever; found by fuzzing)',
    write: (f) => {
      const strings = xml(
        `<sst ${SHEET_NS}>${Array.from({ length: 200 }, (_, i) => `<si><t>client${i}@example.com</t></si>`).join('')}</sst>`,
      );
      const zip = zipParts(workbook(strings, SHEET));
      // The middle of the shared strings' deflate stream (the part after the four small ones).
      const at = zip.indexOf('xl/sharedStrings.xml') + 'xl/sharedStrings.xml'.length + 200;
      zip.fill(0xff, at, at + 8);
      fs.writeFileSync(f, zip);
    },
    outcome: { error: /cannot read workbook .*corrupt-deflate\.xlsx: / },
  },
  {
    name: 'control-chars.csv',
    why: 'NUL, bell, escape and DEL inside values and a quarantined row',
    write: (f) =>
      fs.writeFileSync(
        f,
        `${CONTACTS[0]},Note\nC1,Iv\u0007an Petrov,ivan@example.com,a\u0000b\u001b[31m\nC2,,,\u0000\u007f\nC3,Anna,anna@example.com,ok\n`,
      ),
    outcome: { rows: 3, loaded: 2, quarantined: 1 },
  },
  {
    name: 'mixed-encodings.csv',
    why: 'UTF-8 with a few Windows-1251 lines pasted in',
    write: (f) =>
      fs.writeFileSync(
        f,
        Buffer.concat([
          Buffer.from('Client ID,Name,Email\nC1,Иван Петров,ivan@example.com\n', 'utf8'),
          iconv.encode('C2,Анна Смирнова,anna@example.com\n', 'windows-1251'),
          Buffer.from('C3,Пётр Сидоров,petr@example.com\n', 'utf8'),
        ]),
      ),
    outcome: { rows: 3, loaded: 3, quarantined: 0 },
  },
  {
    name: 'columns-10000.csv',
    why: '10,000 columns',
    write: (f) => {
      const header = ['Client ID', 'Name', ...Array.from({ length: 9_998 }, (_, i) => `Extra ${i}`)];
      fs.writeFileSync(f, `${header.join(',')}\nC1,Ivan Petrov${',x'.repeat(9_998)}\n`);
    },
    outcome: {
      error: /line 1 is over the limit of 2000 columns for cells in one row \(CRM_ETL_MAX_COLUMNS\)/,
    },
  },
  {
    name: 'line-50mb.csv',
    why: 'a 50 MB single line',
    write: (f) => {
      const fd = fs.openSync(f, 'w');
      fs.writeSync(fd, `${CONTACTS[0]}\nC1,Ivan Petrov,`);
      const block = Buffer.alloc(1 << 20, 'x');
      for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
      fs.writeSync(fd, '\n');
      fs.closeSync(fd);
    },
    outcome: { error: /line 2 is over the limit of 8 MB for one row or line \(CRM_ETL_MAX_ROW_MB\)/ },
  },
  {
    name: 'cell-2mb.csv',
    why: 'one 2 MB cell in an otherwise ordinary file',
    write: (f) => fs.writeFileSync(f, `${CONTACTS.join('\n')}\nC3,Petr,${'p'.repeat(2_000_000)}\n`),
    outcome: {
      error:
        /a cell on line 4 is over the limit of 1 MB for one cell or shared string \(CRM_ETL_MAX_CELL_MB\)/,
    },
  },
  {
    name: 'shared-string-bomb.xlsx',
    why: "the issue's workbook: a shared string that inflates to 100 MB, its size stated",
    write: (f) => fs.writeFileSync(f, zipParts(workbook(hugeSharedString(100_000_000), SHEET))),
    outcome: {
      error:
        /a value in xl\/sharedStrings\.xml in .*shared-string-bomb\.xlsx is over the limit of 1 MB for one cell or shared string \(CRM_ETL_MAX_CELL_MB\)/,
    },
  },
  {
    name: 'lying-bomb.xlsx',
    why: 'the same, its zip directory claiming 1 KB',
    write: (f) =>
      fs.writeFileSync(f, zipParts(workbook(hugeSharedString(100_000_000), SHEET, { claimedSize: 1_000 }))),
    outcome: {
      error:
        /a value in xl\/sharedStrings\.xml in .*lying-bomb\.xlsx is over the limit of 1 MB for one cell or shared string \(CRM_ETL_MAX_CELL_MB\)/,
    },
  },
  {
    name: 'bomb-over-total.xlsx',
    why: 'a workbook that says it inflates to more than the limit',
    write: (f) => fs.writeFileSync(f, zipParts(workbook(hugeSharedString(100_000_000), SHEET))),
    env: { CRM_ETL_MAX_UNZIPPED_MB: '50' },
    outcome: {
      error:
        /bomb-over-total\.xlsx is over the limit of 50 MB for a workbook, unzipped \(CRM_ETL_MAX_UNZIPPED_MB\)/,
    },
  },
  {
    name: 'lying-rows-bomb.xlsx',
    why: 'a sheet of a million small rows, its zip directory claiming 1 KB',
    write: (f) => {
      const row = Buffer.from(
        '<row><c t="inlineStr"><is><t>Ivan Petrov</t></is></c><c t="inlineStr"><is><t>ivan@example.com</t></is></c></row>',
      );
      const sheet = Buffer.concat([
        Buffer.from(`<worksheet ${SHEET_NS}><sheetData>`),
        Buffer.alloc(row.length * 1_000_000).fill(row),
        Buffer.from('</sheetData></worksheet>'),
      ]);
      const parts = workbook(null, sheet);
      parts[parts.length - 1]!.claimedSize = 1_000;
      fs.writeFileSync(f, zipParts(parts));
    },
    env: { CRM_ETL_MAX_UNZIPPED_MB: '20' },
    outcome: {
      error:
        /lying-rows-bomb\.xlsx is over the limit of 20 MB for a workbook, unzipped \(CRM_ETL_MAX_UNZIPPED_MB\)/,
    },
  },
  {
    name: 'billion-laughs.xlsx',
    why: 'entity expansion in the shared strings',
    write: (f) => fs.writeFileSync(f, zipParts(workbook(LAUGHS, SHEET))),
    // saxes expands no entity a document declares: the workbook is refused as damaged.
    outcome: { error: /cannot read workbook .*billion-laughs\.xlsx: .*undefined entity/ },
  },
];

/** Writes every file of the corpus into `dir`; returns their paths by name. */
export function writeCorpus(dir: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const entry of CORPUS) {
    const file = path.join(dir, entry.name);
    entry.write(file);
    paths.set(entry.name, file);
  }
  return paths;
}
