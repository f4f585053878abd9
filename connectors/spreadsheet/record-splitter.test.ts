import { describe, expect, it } from 'vitest';
import { CsvCellParser } from './csv-cells.js';
import { LineSplitter, splitLines } from './line-splitter.js';
import { splitRecords, type SplitOptions } from './record-splitter.js';

const opts: SplitOptions = { delimiter: ';', trim: true };
const records = (text: string, o: SplitOptions = opts) =>
  splitRecords(splitLines(text), o).map((r) => [r.line, r.text, r.quoteProblem]);

describe('LineSplitter', () => {
  it('numbers lines across chunks, also when CR LF is split between chunks', () => {
    const s = new LineSplitter();
    const out = [...s.push('a;b\r'), ...s.push('\nc;d\re;f\n'), ...s.push('g'), ...s.end()];
    expect(out).toEqual([
      { text: 'a;b', line: 1 },
      { text: 'c;d', line: 2 },
      { text: 'e;f', line: 3 },
      { text: 'g', line: 4 },
    ]);
  });
});

describe('RecordSplitter', () => {
  it('joins the lines of a quoted cell', () => {
    expect(records('a;"x\r\ny";b\r\nc;d;e\r\n')).toEqual([
      [1, 'a;"x\ny";b', null],
      [3, 'c;d;e', null],
    ]);
  });

  it('treats quotes inside an unquoted cell as text', () => {
    expect(records('1;ООО "Ромашка;2\n3;4;5\n')).toEqual([
      [1, '1;ООО "Ромашка;2', null],
      [2, '3;4;5', null],
    ]);
  });

  it('flags a bad closing quote', () => {
    const [rec] = splitRecords(splitLines('1;"Рога "и" копыта";3'), opts);
    expect(rec).toMatchObject({ quoteProblem: 'bad-closing', badChar: 'и', cells: 3 });
  });

  it('rereads the lines after an unclosed quote when the record does not fit the header', () => {
    const text = 'a;"open;b\nc;d;e\nf;g;h\n';
    expect(records(text, { ...opts, expectedCells: { min: 3, max: 3 } })).toEqual([
      [1, 'a;"open;b', 'unclosed'],
      [2, 'c;d;e', null],
      [3, 'f;g;h', null],
    ]);
  });

  it('gives up on a quoted cell after maxLines', () => {
    const lines = ['a;"never closed;b', ...Array.from({ length: 5 }, (_, i) => `r${i};x;y`)].join('\n');
    expect(records(lines, { ...opts, maxLines: 3 }).map((r) => r[2])).toEqual([
      'unclosed',
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('counts cells outside quotes', () => {
    expect(splitRecords(splitLines('"a;b";c;"d"";e"'), opts)[0]!.cells).toBe(3);
  });
});

describe('CsvCellParser', () => {
  const parser = new CsvCellParser({ delimiter: ';', trim: true });
  const parse = (text: string) => parser.parseAll(splitRecords(splitLines(text), opts));

  it('splits quoted and unquoted records alike', () => {
    expect(parse('a ; b;c\n"x;y" ; "z""q";\n')).toEqual([
      { cells: ['a', 'b', 'c'] },
      { cells: ['x;y', 'z"q', ''] },
    ]);
  });

  it('keeps the neighbours of a broken record', () => {
    const out = parse('1;"ok"\n2;"bad"x;3\n3;"fine"\n');
    expect(out[0]).toEqual({ cells: ['1', 'ok'] });
    expect(out[1]).toEqual({
      error:
        'broken quoting: Invalid Closing Quote: got "x" at line 2 instead of delimiter, record delimiter, ' +
        'trimable character (if activated) or comment',
    });
    expect(out[2]).toEqual({ cells: ['3', 'fine'] });
  });
});
