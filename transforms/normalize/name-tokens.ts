import { fixNameTokenCase, NAME_PARTICLES, PATRONYMIC_MARKERS } from './name-case.js';
import {
  GENERATIONAL,
  HONORIFICS,
  isInitial,
  looksLikeSurname,
  patronymicStrength,
} from './name-patterns.js';

/** A word of the name after merging particles ("de la Fontaine") and markers ("Гусейн оглы"). */
export interface NameToken {
  text: string;
  initial: boolean;
  patronymic: 0 | 1 | 2;
  surname: boolean;
}

/** Words → tokens: expand glued initials, drop titles and noise, re-case, merge particles. */
export function tokenizeName(s: string): NameToken[] {
  let words = s
    .split(' ')
    .flatMap(expandInitials)
    .filter((w) => /\p{L}/u.test(w));
  while (words.length > 1 && HONORIFICS.has((words[0] ?? '').toLowerCase().replace(/\.$/, ''))) {
    words = words.slice(1);
  }
  words = words.map((w, i) => fixNameTokenCase(w, i));

  const merged: string[] = [];
  const patronymicMarked = new Set<number>();
  const generational = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    const lower = w.toLowerCase();
    const prev = merged.length - 1;
    if (prev >= 0 && PATRONYMIC_MARKERS.has(lower)) {
      merged[prev] += ` ${w}`;
      patronymicMarked.add(prev);
    } else if (prev >= 0 && GENERATIONAL.has(lower.replace(/\.$/, ''))) {
      merged[prev] += ` ${w}`;
      generational.add(prev);
    } else {
      merged.push(w);
    }
  }
  // Particles attach forward ("de la" + "Fontaine"); a particle as the first word is a given
  // name ("Van Morrison"), and one at the very end has nothing to attach to.
  const out: NameToken[] = [];
  let pending: string[] = [];
  merged.forEach((w, i) => {
    if (i > 0 && i < merged.length - 1 && NAME_PARTICLES.has(w.toLowerCase())) {
      pending.push(w);
      return;
    }
    const text = [...pending, w].join(' ');
    const isSurname = pending.length > 0 || generational.has(i) || looksLikeSurname(w);
    pending = [];
    out.push({
      text,
      initial: isInitial(w),
      patronymic: patronymicMarked.has(i) ? 2 : patronymicStrength(w),
      surname: isSurname,
    });
  });
  return out;
}

/** "И.И.Иванов" → ["И.", "И.", "Иванов"]; "Иванов" unchanged. */
function expandInitials(word: string): string[] {
  const parts: string[] = [];
  let rest = word;
  for (let m = /^(\p{L})\.(?=.)/u.exec(rest); m; m = /^(\p{L})\.(?=.)/u.exec(rest)) {
    parts.push(`${m[1]}.`);
    rest = rest.slice(m[0].length);
  }
  parts.push(rest);
  return parts;
}
