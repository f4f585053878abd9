import fs from 'node:fs';
import path from 'node:path';
import { seeded } from './fixtures.js';

const FIRST = [
  'Ivan',
  'Anna',
  'Petr',
  'Olga',
  'Sergey',
  'Maria',
  'Dmitry',
  'Elena',
  'Pavel',
  'Irina',
  'Oleg',
  'Nina',
];
const LAST = [
  'Petrov',
  'Ivanova',
  'Smirnov',
  'Kuznetsova',
  'Popov',
  'Sokolova',
  'Lebedev',
  'Kozlova',
  'Orlov',
];
const CITY = ['Moskva', 'Kazan', 'Omsk', 'Tomsk', 'Samara', 'Perm'];
const COMPANY = ['Acme', 'Romashka', 'Vector', 'Delta', 'Sigma', ''];
const CHANNEL = ['site', 'phone', 'shop', 'partner'];

export interface DrillFiles {
  /** Source "crm": contacts keyed C1..; every 250th row has no identity (quarantined). */
  crm: string;
  /** Source "shop": some of the same people (same e-mail) with their own keys and other cities and companies: survivorship ties. */
  shop: string;
  /** Source "orders": about two orders a person, naming the customer by e-mail or phone. */
  orders: string;
}

/**
 * A seeded data set for the kill drills: two contact sources that share people with equally
 * frequent but different values (the survivorship ties that load time used to break), near
 * duplicates with a typo for the probabilistic matcher, and orders for the marts.
 */
export function writeDrillData(dir: string, people: number, seed: number): DrillFiles {
  const rand = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const person = Array.from({ length: people }, (_, i) => ({
    first: pick(FIRST),
    last: pick(LAST),
    email: `p${i}.${Math.floor(rand() * 1e6)}@example.com`,
    phone: `+7 9${String(10 + Math.floor(rand() * 89))} ${String(10_000_000 + i).slice(1)}`,
  }));
  const crm = ['Client ID,First Name,Last Name,Email,Phone,City,Company'];
  person.forEach((p, i) => {
    if (i % 250 === 249) crm.push(`C${i},,,,,${pick(CITY)},`);
    else crm.push(`C${i},${p.first},${p.last},${p.email},${p.phone},${pick(CITY)},${pick(COMPANY)}`);
  });
  const shop = ['Customer No,First Name,Last Name,E-mail,City,Company'];
  person.forEach((p, i) => {
    if (i % 3 !== 0) return;
    // Every 9th: a typo in the surname and no e-mail, found by the probabilistic matcher (or not).
    const typo = i % 9 === 0;
    const last = typo ? `${p.last.slice(0, -1)}${p.last.slice(-1) === 'a' ? 'o' : 'a'}` : p.last;
    shop.push(`S${i},${p.first},${last},${typo ? '' : p.email},${pick(CITY)},${pick(COMPANY)}`);
  });
  // Each person buys a few times at their own pace from their own first day, as customers do
  // (uniformly random orders give the CLV model nothing to fit).
  const orders = ['Order No,Order Date,Email,Phone,Amount,Cost,Channel'];
  let n = 0;
  person.forEach((p, i) => {
    if (i % 250 === 249) return;
    const count = pick([1, 1, 1, 1, 2, 2, 3, 4, 6]);
    const gap = 10 + Math.floor(rand() * 120);
    const typical = 300 + Math.floor(rand() * 3000);
    let day = Math.floor(rand() * 400);
    for (let k = 0; k < count; k++, n++) {
      const date = new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      const amount = (typical * (0.7 + rand() * 0.6)).toFixed(2);
      const cost = (Number(amount) * (0.4 + rand() * 0.3)).toFixed(2);
      orders.push(
        `O${n},${date},${n % 2 ? p.email : ''},${n % 2 ? '' : p.phone},${amount},${cost},${pick(CHANNEL)}`,
      );
      day += Math.max(1, Math.round(gap * (0.5 + rand())));
    }
  });
  const files = {
    crm: path.join(dir, 'crm.csv'),
    shop: path.join(dir, 'shop.csv'),
    orders: path.join(dir, 'orders.csv'),
  };
  fs.writeFileSync(files.crm, crm.join('\n') + '\n');
  fs.writeFileSync(files.shop, shop.join('\n') + '\n');
  fs.writeFileSync(files.orders, orders.join('\n') + '\n');
  return files;
}
