import { expandTwoDigitYear, fractionToMs, monthFromName, to24h, wall, type WallTime } from './date-parts.js';

/**
 * Parsing against an explicit format from a mapping file ("DD.MM.YYYY", "YYYYMMDD",
 * "MM/DD/YYYY HH:mm"). Tokens: YYYY YY MMM (month name) MM M DD D HH H hh h mm ss SSS A (AM/PM);
 * anything else is literal, a space matches any run of spaces. Two-letter tokens accept one
 * digit when a separator follows ("5.1.2023" fits "DD.MM.YYYY"), but exactly two when glued to
 * the next token ("YYYYMMDD").
 */
const TOKENS = [
  'YYYY',
  'SSS',
  'MMM',
  'YY',
  'MM',
  'DD',
  'HH',
  'hh',
  'mm',
  'ss',
  'M',
  'D',
  'H',
  'h',
  'A',
] as const;
type Token = (typeof TOKENS)[number];

interface CompiledFormat {
  regex: RegExp;
  tokens: Token[];
  hasTime: boolean;
}

const cache = new Map<string, CompiledFormat>();

function compile(format: string): CompiledFormat {
  const cached = cache.get(format);
  if (cached) return cached;
  const pieces: Array<Token | { literal: string }> = [];
  for (let i = 0; i < format.length;) {
    const token = TOKENS.find((t) => format.startsWith(t, i));
    if (token) {
      pieces.push(token);
      i += token.length;
    } else {
      pieces.push({ literal: format[i] ?? '' });
      i++;
    }
  }
  const glued = (j: number): boolean => typeof pieces[j] === 'string';
  let source = '';
  pieces.forEach((p, j) => {
    if (typeof p !== 'string') {
      source += p.literal === ' ' ? String.raw`\s+` : p.literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return;
    }
    const fixed = glued(j - 1) || glued(j + 1);
    source += tokenPattern(p, fixed);
  });
  const tokens = pieces.filter((p): p is Token => typeof p === 'string');
  const hasTime = tokens.some((t) => t === 'HH' || t === 'H' || t === 'hh' || t === 'h');
  // A date-only format still accepts a trailing time: exports often append " 00:00:00".
  const tail = hasTime ? '' : String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?`;
  const compiled = { regex: new RegExp(`^${source}${tail}$`, 'iu'), tokens, hasTime };
  cache.set(format, compiled);
  return compiled;
}

function tokenPattern(token: Token, fixed: boolean): string {
  switch (token) {
    case 'YYYY':
      return String.raw`(\d{4})`;
    case 'YY':
      return String.raw`(\d{2})`;
    case 'MMM':
      return String.raw`(\p{L}{3,}\.?)`;
    case 'SSS':
      return fixed ? String.raw`(\d{3})` : String.raw`(\d{1,9})`;
    case 'A':
      return String.raw`\s*([ap]\.?m\.?)`;
    case 'M':
    case 'D':
    case 'H':
    case 'h':
      return String.raw`(\d{1,2})`;
    default:
      return fixed ? String.raw`(\d{2})` : String.raw`(\d{1,2})`;
  }
}

/** The wall time, or null when the text does not fit the format or a month name is unknown. */
export function parseWithFormat(text: string, format: string): WallTime | null {
  const { regex, tokens } = compile(format);
  const m = regex.exec(text);
  if (!m) return null;
  const w = wall(0, 0, 0);
  let meridiem: string | undefined;
  for (const [i, token] of tokens.entries()) {
    const v = m[i + 1] ?? '';
    switch (token) {
      case 'YYYY':
        w.y = Number(v);
        break;
      case 'YY':
        w.y = expandTwoDigitYear(Number(v));
        break;
      case 'MMM': {
        const month = monthFromName(v);
        if (month === null) return null;
        w.m = month;
        break;
      }
      case 'MM':
      case 'M':
        w.m = Number(v);
        break;
      case 'DD':
      case 'D':
        w.d = Number(v);
        break;
      case 'HH':
      case 'H':
      case 'hh':
      case 'h':
        w.hh = Number(v);
        break;
      case 'mm':
        w.mi = Number(v);
        break;
      case 'ss':
        w.ss = Number(v);
        break;
      case 'SSS':
        w.ms = fractionToMs(v);
        break;
      case 'A':
        meridiem = v;
        break;
    }
  }
  w.hh = to24h(w.hh, meridiem);
  const [hh, mi, ss, fraction] = m.slice(tokens.length + 1);
  if (hh !== undefined) {
    w.hh = Number(hh);
    w.mi = Number(mi);
    w.ss = Number(ss ?? 0);
    w.ms = fractionToMs(fraction);
  }
  return w;
}
