// The splitters' fast paths (plain and simply quoted records, lines without quotes, line breaks
// by indexOf), checked against csv-parse and the straightforward readings they replace.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvCellParser } from './csv-cells.js';
import { LineSplitter, splitLines, type PhysicalLine } from './line-splitter.js';
import { splitRecords, type LogicalRecord, type SplitOptions } from './record-splitter.js';

function random(seed: number): <T>(a: readonly T[]) => T {
  return <T>(a: readonly T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return a[(seed >>> 12) % a.length]!;
  };
}

/** csv-parse alone on one record, with the options CsvCellParser gives it. */
function csvParse(text: string, delimiter: string, trim: boolean): string[][] {
  return parse(`${text}\n`, {
    delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: '\n',
    relax_quotes: true,
    relax_column_count: true,
    trim,
    skip_empty_lines: false,
    bom: false,
  }) as string[][];
}

describe('CsvCellParser fast paths', () => {
  it('give what csv-parse gives for every record the splitter passes on', () => {
    const pick = random(3);
    const alphabet = [
      'a',
      'Ю',
      ' ',
      '\t',
      '"',
      '""',
      ';',
      ',',
      '\u00a0',
      '\u3000',
      '\f',
      '|',
      'x y',
      '"a"',
      '";"',
    ];
    let records = 0;
    for (const delimiter of [';', ',', '\t', '|', ';;', ' ']) {
      for (const trim of [true, false]) {
        const parser = new CsvCellParser({ delimiter, trim });
        const mismatches: unknown[] = [];
        for (let k = 0; k < 250; k++) {
          const lines: string[] = [];
          for (let r = pick([1, 2, 4]); r > 0; r--) {
            const cells: string[] = [];
            for (let c = pick([1, 2, 3, 5]); c > 0; c--) {
              let t = '';
              for (let j = pick([0, 1, 2, 4]); j > 0; j--) t += pick(alphabet);
              const how = pick(['quoted', 'quoted', 'plain', 'plain', 'spaced', 'raw']);
              if (how === 'quoted') cells.push(`"${t.replace(/"/g, '""')}"`);
              else if (how === 'spaced') cells.push(`${pick([' ', '', '\t'])}"${t}"${pick([' ', '', 'x'])}`);
              else if (how === 'plain') cells.push(t.replace(/"/g, ''));
              else cells.push(t);
            }
            lines.push(cells.join(delimiter));
          }
          const text = lines.join(pick(['\n', '\r\n', '\n"x\n']));
          const recs = splitRecords(splitLines(text), {
            delimiter,
            trim,
            expectedCells: pick([undefined, { min: 2, max: 3 }]),
          });
          const results = parser.parseAll(recs);
          recs.forEach((rec, i) => {
            if (rec.quoteProblem !== null) return;
            records++;
            const got = results[i]!;
            let expected: string[][] | null;
            try {
              expected = csvParse(rec.text, delimiter, trim);
            } catch {
              expected = null; // a record csv-parse refuses (e.g. `"a" x`): the parser reports it
            }
            const same =
              expected === null
                ? 'error' in got
                : 'cells' in got &&
                  expected.length === 1 &&
                  JSON.stringify(got.cells) === JSON.stringify(expected[0]);
            if (!same) mismatches.push({ text: rec.text, got, expected });
          });
        }
        expect(mismatches, `delimiter ${JSON.stringify(delimiter)} trim ${trim}`).toEqual([]);
      }
    }
    expect(records).toBeGreaterThan(3_000);
  });

  const parser = new CsvCellParser({ delimiter: ';', trim: true });
  const one = (text: string): LogicalRecord => ({
    text,
    line: 1,
    lineCount: 1,
    cells: 1,
    quoteProblem: null,
  });

  it.each([
    [
      '00100003;Попов Пётр;"АО ""Вектор""";7707083893',
      ['00100003', 'Попов Пётр', 'АО "Вектор"', '7707083893'],
    ],
    ['"";"""";"a;b"', ['', '"', 'a;b']],
    ['"a\nb"; c ;"d";', ['a\nb', 'c', 'd', '']],
    ['" a ";b\u00a0', [' a ', 'b']],
    // not the simple shape: csv-parse decides
    [' "a" ;b', ['a', 'b']],
    ['"a" ;b', ['a', 'b']],
    ['a"b;"c"', ['a"b', 'c']],
  ])('reads %j', (text, cells) => {
    expect(parser.parseAll([one(text)])).toEqual([{ cells }]);
    expect(csvParse(text, ';', true)).toEqual([cells]);
  });

  it('leaves a record with text after a closing quote to csv-parse', () => {
    expect(parser.parseAll([one('x;"a"b;c')])).toEqual([
      {
        error: 'broken quoting: Invalid Closing Quote: found non trimable byte after quote at line 1',
      },
    ]);
  });

  it('keeps unquoted spaces without trim, and handles a multi-character delimiter by csv-parse', () => {
    expect(new CsvCellParser({ delimiter: ';', trim: false }).parseAll([one(' a ;"b"; "c"')])).toEqual([
      { cells: [' a ', 'b', ' "c"'] },
    ]);
    expect(new CsvCellParser({ delimiter: ';;', trim: true }).parseAll([one('a;;"b;;c";;d')])).toEqual([
      { cells: ['a', 'b;;c', 'd'] },
    ]);
  });
});

describe('LineSplitter', () => {
  /** LineSplitter as it was, with the regex /\r\n|\n|\r/g: the reference for any chunking. */
  class RegexLineSplitter {
    private rest = '';
    private nextLine = 1;

    push(chunk: string): PhysicalLine[] {
      const text = this.rest + chunk;
      const out: PhysicalLine[] = [];
      const BREAK = /\r\n|\n|\r/g;
      let start = 0;
      for (let m = BREAK.exec(text); m !== null; m = BREAK.exec(text)) {
        if (m[0] === '\r' && m.index === text.length - 1) break;
        out.push({ text: text.slice(start, m.index), line: this.nextLine++ });
        start = m.index + m[0].length;
      }
      this.rest = text.slice(start);
      return out;
    }

    end(): PhysicalLine[] {
      const out = this.push('');
      if (this.rest.endsWith('\r')) this.rest = this.rest.slice(0, -1);
      if (this.rest !== '') out.push({ text: this.rest, line: this.nextLine++ });
      return out;
    }
  }

  it('finds the same lines in any chunking', () => {
    const pick = random(9);
    const pieces = ['a', 'б', ';', '"', '\n', '\r', '\r\n', '\n\r', '\r\r', '\n\n', 'xyz'];
    for (let k = 0; k < 5_000; k++) {
      let text = '';
      for (let j = pick([0, 1, 3, 8, 20]); j > 0; j--) text += pick(pieces);
      const splitter = new LineSplitter();
      const reference = new RegexLineSplitter();
      const lines: PhysicalLine[] = [];
      const expected: PhysicalLine[] = [];
      for (let i = 0; i < text.length;) {
        const chunk = text.slice(i, i + pick([1, 1, 2, 3, 7]));
        lines.push(...splitter.push(chunk));
        expected.push(...reference.push(chunk));
        i += chunk.length;
      }
      lines.push(...splitter.end());
      expected.push(...reference.end());
      expect(lines, JSON.stringify(text)).toEqual(expected);
    }
  });
});

describe('RecordSplitter', () => {
  const opts: SplitOptions = { delimiter: ';', trim: true, expectedCells: { min: 3, max: 3 } };

  it('takes a line without quotes as one record, unless a quoted cell is open', () => {
    expect(splitRecords(splitLines('a;b;c\nd;e'), opts)).toEqual([
      { text: 'a;b;c', line: 1, lineCount: 1, cells: 3, quoteProblem: null },
      { text: 'd;e', line: 2, lineCount: 1, cells: 2, quoteProblem: null },
    ]);
    expect(splitRecords(splitLines('a;"b\nc;d\ne";f\ng;h;i'), opts)).toEqual([
      { text: 'a;"b\nc;d\ne";f', line: 1, lineCount: 3, cells: 3, quoteProblem: null },
      { text: 'g;h;i', line: 4, lineCount: 1, cells: 3, quoteProblem: null },
    ]);
  });
});
