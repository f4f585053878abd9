export type Script = 'cyrillic' | 'latin' | 'other';

const CYRILLIC = /[\u0400-\u04ff]/;
const LATIN = /[A-Za-z\u00c0-\u024f]/;

/** The script a name part is written in; Cyrillic wins over stray Latin look-alikes. */
export function scriptOf(text: string): Script {
  if (CYRILLIC.test(text)) return 'cyrillic';
  if (LATIN.test(text)) return 'latin';
  return 'other';
}

/** A full name composed from parts the way each script's records write it (connectors/canonical/names.ts). */
export function composeName(
  script: Script,
  parts: { last_name: string | null; first_name: string | null; middle_name: string | null },
): string | null {
  const order =
    script === 'cyrillic'
      ? [parts.last_name, parts.first_name, parts.middle_name]
      : [parts.first_name, parts.middle_name, parts.last_name];
  const words = order.filter((p): p is string => p !== null && p !== '');
  return words.length ? words.join(' ') : null;
}
