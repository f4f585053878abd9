/**
 * Where recall and precision go on the CRM-like sets: every true person split over several
 * customers, and every customer holding several people, classified by the strongest evidence
 * shared across the split (or across the wrong join), plus a sample of misses to read.
 *
 *   npm run bench -- resolve misses [records, default 10000] [sample per set, default 0]
 * MISS_CAT=phone (a category below) samples only the misses of that category.
 *
 * Categories, strongest first: phone (same E.164), phone-typo (one digit apart), email,
 * email-typo, dob (same real date), middle (same patronymic), postcode, names+city, names (given
 * name family or phonetic key and surname phonetic key agree, either column order), none.
 */
import { evaluateClusters, resolve, type ResolveInput } from '../../transforms/identity/index.js';
import { CRM_MIXES, generateCrmContacts } from './resolve-synthetic-crm.js';
import { nameFamily } from '../../transforms/identity/prepare/nicknames.js';
import { phoneticKey } from '../../transforms/normalize/index.js';

interface Keys {
  first: string | null;
  last: string | null;
  middle: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  postcode: string | null;
  dob: string | null;
}

const oneApart = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d === 1;
};

const nameKey = (s: string | null): string | null => {
  if (!s) return null;
  const f = nameFamily(s);
  return f >= 0 ? `f${f}` : `p${phoneticKey(s)}`;
};

function category(x: Keys, y: Keys): string {
  if (x.phone && x.phone === y.phone) return 'phone';
  if (x.email && x.email === y.email) return 'email';
  if (x.phone && y.phone && oneApart(x.phone, y.phone)) return 'phone-typo';
  if (x.email && y.email && oneApart(x.email, y.email)) return 'email-typo';
  if (x.dob && x.dob === y.dob && !x.dob.endsWith('01-01') && !x.dob.endsWith('-00')) return 'dob';
  if (x.middle && x.middle === y.middle) return 'middle';
  if (x.postcode && x.postcode === y.postcode) return 'postcode';
  const names = namesAgree(x, y);
  if (names && x.city && x.city === y.city) return 'names+city';
  if (names) return 'names';
  return 'none';
}

function namesAgree(x: Keys, y: Keys): boolean {
  const a = [nameKey(x.first), nameKey(x.last)];
  const b = [nameKey(y.first), nameKey(y.last)];
  if (!a[0] || !a[1] || !b[0] || !b[1]) return false;
  return (a[0] === b[0] && a[1] === b[1]) || (a[0] === b[1] && a[1] === b[0]);
}

const RANK = [
  'phone',
  'email',
  'phone-typo',
  'email-typo',
  'dob',
  'middle',
  'postcode',
  'names+city',
  'names',
  'none',
];

export function benchResolveMisses(n = 10_000, sample = 0): void {
  for (const { mix, seed } of CRM_MIXES) {
    const data = generateCrmContacts(n, seed, mix);
    const keys = new Map<number, Keys>();
    const result = resolve(data.records);
    const byId = new Map<number, ResolveInput>(data.records.map((r) => [r.id, r]));
    for (const r of data.records) {
      const k = result.matchKeys(r.id)!;
      keys.set(r.id, {
        first: k.first_name,
        last: k.last_name,
        middle: k.middle_name,
        email: k.email,
        phone: k.phone,
        city: k.city,
        postcode: k.postcode,
        dob: r.birth_date ?? null,
      });
    }
    const e = evaluateClusters(data.truth, result.assignment);
    // Missed pairs: records of one person in different customers, by the best evidence across.
    const byPerson = new Map<number, number[]>();
    for (const [id, t] of data.truth) {
      const list = byPerson.get(t) ?? [];
      list.push(id);
      byPerson.set(t, list);
    }
    // People per whole-name key (either order): how many namesakes a names-only link must tell apart.
    const peopleByName = new Map<string, Set<number>>();
    const wholeName = (k: Keys): string | null => {
      const a = nameKey(k.first);
      const b = nameKey(k.last);
      if (!a || !b) return null;
      return a < b ? `${a}|${b}` : `${b}|${a}`;
    };
    for (const [id, t] of data.truth) {
      const w = wholeName(keys.get(id)!);
      if (!w) continue;
      const set = peopleByName.get(w) ?? new Set<number>();
      set.add(t);
      peopleByName.set(w, set);
    }
    const missed = new Map<string, number>();
    let missedSeen = 0;
    const samples: string[] = [];
    for (const ids of byPerson.values()) {
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) {
          const a = ids[i]!;
          const b = ids[j]!;
          if (result.assignment.get(a) === result.assignment.get(b)) continue;
          let c = category(keys.get(a)!, keys.get(b)!);
          if (c === 'names' || c === 'names+city') {
            const people = peopleByName.get(wholeName(keys.get(a)!)!)!.size;
            c += people === 1 ? '(unique)' : people === 2 ? '(2 people)' : '(3+)';
          }
          missed.set(c, (missed.get(c) ?? 0) + 1);
          // Every seventh miss, so the sample spreads over the set.
          if (
            samples.length < sample &&
            (process.env.MISS_CAT ? c === process.env.MISS_CAT : missedSeen++ % 7 === 0)
          )
            samples.push(`  miss ${c}: ${show(byId.get(a)!)}  ||  ${show(byId.get(b)!)}`);
        }
    }
    const wrong = new Map<string, number>();
    let falseShown = 0;
    const shownCustomers = new Set<number>();
    const byCustomer = new Map<number, number[]>();
    for (const [id, c] of result.assignment) {
      const list = byCustomer.get(c) ?? [];
      list.push(id);
      byCustomer.set(c, list);
    }
    for (const ids of byCustomer.values())
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) {
          const a = ids[i]!;
          const b = ids[j]!;
          if (data.truth.get(a) === data.truth.get(b)) continue;
          const c = category(keys.get(a)!, keys.get(b)!);
          wrong.set(c, (wrong.get(c) ?? 0) + 1);
          if (falseShown < sample && !shownCustomers.has(result.assignment.get(a)!)) {
            falseShown++;
            shownCustomers.add(result.assignment.get(a)!);
            samples.push(`  FALSE customer ${result.assignment.get(a)}:`);
            for (const id of ids) samples.push(`     person ${data.truth.get(id)}: ${show(byId.get(id)!)}`);
          }
        }
    const fmt = (m: Map<string, number>): string =>
      [...m.entries()]
        .sort((x, y) => RANK.indexOf(x[0].replace(/\(.*/, '')) - RANK.indexOf(y[0].replace(/\(.*/, '')))
        .map(([c, k]) => `${c}=${k}`)
        .join(' ');
    console.log(
      `${mix.name} (seed ${seed}): P ${e.precision.toFixed(4)} R ${e.recall.toFixed(4)} ` +
        `true pairs ${e.truePairs}, missed ${e.truePairs - e.correctPairs}, false ${e.predictedPairs - e.correctPairs}`,
    );
    console.log(`  missed by best shared evidence: ${fmt(missed)}`);
    console.log(`  false by best shared evidence:  ${fmt(wrong)}`);
    for (const s of samples) console.log(s);
  }
}

function show(r: ResolveInput): string {
  const fields = [
    'full_name',
    'first_name',
    'middle_name',
    'last_name',
    'city',
    'phone',
    'email',
    'birth_date',
  ];
  const rec = r as unknown as Record<string, unknown>;
  return fields
    .filter((f) => rec[f] !== undefined && rec[f] !== null)
    .map((f) => `${f}=${String(rec[f])}`)
    .join(' ');
}
