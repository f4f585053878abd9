/** Names built from syllables (no list): `k` → a distinct rare given name and surname. */
function name(k: number): { first_name: string; last_name: string } {
  const syl = ['ka', 'ro', 'mi', 'ten', 'vo', 'lus', 'dra', 'pe', 'zin', 'sha', 'tor', 'bel'];
  const word = (x: number, len: number): string => {
    let s = '';
    for (let i = 0; i < len; i++) s += syl[Math.floor(x / syl.length ** i) % syl.length]!;
    return s.charAt(0).toUpperCase() + s.slice(1);
  };
  return { first_name: word(k * 7 + 3, 2), last_name: `${word(k, 3)}ov` };
}

const phone = (k: number): string => `+7916${String(1_000_000 + k * 7919).slice(-7)}`;

/**
 * `people` names, each held by `holders` people; every person written twice with their own
 * phone (the copy also an e-mail), and each name once more with the city only.
 */
export function rareNameRows(people: number, holders: number): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (let k = 0; k < people; k++) {
    for (let h = 0; h < holders; h++) {
      const person = { ...name(k), city: 'Kazan', phone: phone(k * holders + h) };
      out.push(person, { ...person, email: `p${k}x${h}@mail.ru` });
    }
  }
  for (let k = 0; k < people; k++) out.push({ ...name(k), city: 'Kazan' });
  return out;
}
