import type { StageRow } from '../../warehouse/engines/adapter.js';
import { pick, seededRandom } from './random.js';

/**
 * CRM-like contacts for `npm run bench -- resolve-warehouse`: people with one to four records in
 * three sources, the way companies have them — a CRM sheet in Cyrillic with patronymics, an ERP
 * without them, web leads in Latin letters — with typos, transliteration, other phones and
 * addresses, and missing fields; no dates of birth. Staged as the connectors would stage them
 * (names split, E.164 phones, lower-case e-mails). Seeded: the same n and seed give the same rows.
 *
 * Identifiers that different people share are kinds of mess of their own (SHARED), each at a
 * stated rate, so the benchmark measures how a resolver copes with them. The truth stays the
 * truth: two people writing one address are two customers, whether or not anything else in
 * their records tells them apart.
 */
const SURNAMES =
  `Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
  Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров
  Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев
  Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов
  Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков
  Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов
  Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв
  Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров
  Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов
  Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов`
    .split(/\s+/)
    .filter(Boolean);
const MALE = `Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир
  Владислав Вячеслав Геннадий Георгий Глеб Григорий Даниил Денис Дмитрий Евгений Егор Иван Игорь Илья
  Кирилл Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей Станислав
  Степан Тимур Фёдор Юрий Ярослав`
  .split(/\s+/)
  .filter(Boolean);
const FEMALE = `Александра Алёна Алина Алла Анастасия Ангелина Анна Валентина Валерия Вера Вероника Виктория
  Галина Дарья Диана Евгения Екатерина Елена Елизавета Жанна Зоя Инна Ирина Карина Кристина Ксения Лариса
  Лидия Любовь Людмила Маргарита Марина Мария Надежда Наталья Нина Оксана Олеся Ольга Полина Светлана
  София Таисия Татьяна Ульяна Юлия Яна`
  .split(/\s+/)
  .filter(Boolean);
const CITIES = [
  ['Москва', 'Moscow'],
  ['Санкт-Петербург', 'Saint Petersburg'],
  ['Новосибирск', 'Novosibirsk'],
  ['Екатеринбург', 'Yekaterinburg'],
  ['Казань', 'Kazan'],
  ['Нижний Новгород', 'Nizhny Novgorod'],
  ['Челябинск', 'Chelyabinsk'],
  ['Самара', 'Samara'],
  ['Омск', 'Omsk'],
  ['Ростов-на-Дону', 'Rostov-on-Don'],
  ['Уфа', 'Ufa'],
  ['Красноярск', 'Krasnoyarsk'],
  ['Воронеж', 'Voronezh'],
  ['Пермь', 'Perm'],
  ['Волгоград', 'Volgograd'],
] as const;
const DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru'];

/** How often a shared identifier replaces a person's own. */
const SHARED = {
  /**
   * Of repeat records: a second mailbox of the person, initial + surname at one of DOMAINS
   * (ipetrov@mail.ru; ipetrov2@mail.ru when a namesake — Иван or Игорь Петров — has it: a
   * mailbox has one owner).
   */
  initialSurname: 0.15,
  /**
   * Of repeat records: a namesake's initial + surname mailbox instead (an operator picked the
   * wrong Петров from the autocomplete), where one exists.
   */
  namesakeMailbox: 0.02,
  /** Of people: living with a spouse (another generated person, same surname and city). */
  household: 0.04,
  /** Of a household member's records: the family's one mailbox, and its home phone. */
  familyEmail: 0.5,
  familyPhone: 0.3,
  /** Of people: working at a small firm (one per ~20 such people). */
  workplace: 0.05,
  /** Of a firm worker's records: the firm's address (a role address or the firm's name), its switchboard. */
  firmEmail: 0.4,
  firmPhone: 0.25,
} as const;
/** Firms' shared mailboxes: role local parts, and (learned only from the data) the firm's name. */
const FIRM_LOCALS = ['info', 'office', 'zakaz', 'sales', 'mail'];
const FIRM_WORDS = [
  'vostok',
  'sever',
  'alfa',
  'standart',
  'resurs',
  'tekhno',
  'stroy',
  'trans',
  'prom',
  'servis',
];

const LATIN: Readonly<Record<string, string>> = Object.freeze({
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
});
/** Passport-style transliteration, as a web form's visitor types their name. */
function latin(word: string): string {
  const out = [...word.toLowerCase()].map((c) => LATIN[c] ?? c).join('');
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/** One keyboard slip: a letter dropped, doubled or swapped with the next. */
function typo(rand: () => number, word: string): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2));
  const kind = rand();
  if (kind < 0.34) return word.slice(0, i) + word.slice(i + 1);
  if (kind < 0.67) return word.slice(0, i) + word[i] + word.slice(i);
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

function patronymic(father: string, female: boolean): string {
  const stem = father.replace(/[йь]$/, '').replace(/ий$/, '');
  if (/[ая]$/.test(father)) return father.slice(0, -1) + (female ? 'ична' : 'ич');
  if (/[йь]$/.test(father)) return stem + (female ? 'евна' : 'евич');
  return father + (female ? 'овна' : 'ович');
}

interface Person {
  id: number;
  last: string;
  first: string;
  middle: string;
  female: boolean;
  phone: string;
  email: string;
  city: number;
  /** A family's or a firm's identifiers this person sometimes gives instead of their own. */
  shared: { email: string; phone: string; emailRate: number; phoneRate: number } | null;
}

interface Firm {
  email: string;
  phone: string;
}

const mobile = (rand: () => number): string => `+79${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;

/**
 * Who owns each personal mailbox: a mail provider gives an address to one person, so a
 * namesake gets another (a different number, or a digit appended). Shared addresses are only
 * the SHARED kinds of mess.
 */
class Mailboxes {
  private readonly owner = new Map<string, number>();
  /** initial + surname → the mailboxes of that form, for a namesake's mix-up. */
  private readonly byInitials = new Map<string, string[]>();

  /** `make(k)` for k = 0, 1, … until an address free or already this person's. */
  claim(id: number, make: (k: number) => string): string {
    for (let k = 0; ; k++) {
      const address = make(k);
      const held = this.owner.get(address);
      if (held === undefined) this.owner.set(address, id);
      if (held === undefined || held === id) return address;
    }
  }

  initialSurname(rand: () => number, p: Person): string {
    const base = `${latin(p.first).toLowerCase()[0]}${latin(p.last).toLowerCase()}`;
    const domain = pick(rand, DOMAINS);
    const address = this.claim(p.id, (k) => `${base}${k === 0 ? '' : k + 1}@${domain}`);
    const list = this.byInitials.get(base) ?? [];
    if (!list.includes(address)) list.push(address);
    this.byInitials.set(base, list);
    return address;
  }

  /** An initial + surname mailbox of another person with this person's initial and surname. */
  namesakes(rand: () => number, p: Person): string | null {
    const base = `${latin(p.first).toLowerCase()[0]}${latin(p.last).toLowerCase()}`;
    const others = (this.byInitials.get(base) ?? []).filter((a) => this.owner.get(a) !== p.id);
    return others.length ? pick(rand, others) : null;
  }
}

function person(
  rand: () => number,
  id: number,
  female: boolean,
  surname: string,
  city: number,
  mailboxes: Mailboxes,
): Person {
  const first = pick(rand, female ? FEMALE : MALE);
  const last = female ? `${surname}а` : surname;
  const local = `${latin(first).toLowerCase()}.${latin(last).toLowerCase()}`;
  return {
    id,
    last,
    first,
    middle: patronymic(pick(rand, MALE), female),
    female,
    phone: mobile(rand),
    email: mailboxes.claim(id, () => `${local}${Math.floor(rand() * 1000)}@${pick(rand, DOMAINS)}`),
    city,
    shared: null,
  };
}

function firm(rand: () => number, i: number): Firm {
  const name = `${pick(rand, FIRM_WORDS)}${pick(rand, FIRM_WORDS)}${i}`;
  const email = rand() < 0.5 ? `${pick(rand, FIRM_LOCALS)}@${name}.ru` : `${name}@${pick(rand, DOMAINS)}`;
  return { email, phone: `+7495${String(Math.floor(rand() * 1e7)).padStart(7, '0')}` };
}

export interface GeneratedContacts {
  /** stg_contact rows in the order they arrive: the first n, then the 1% that come later. */
  rows: StageRow[];
  /** The true person of each row (same index). */
  entity: Int32Array;
}

export function generateWarehouseContacts(total: number, seed = 19): GeneratedContacts {
  const rand = seededRandom(seed);
  const rows: StageRow[] = [];
  const entities: number[] = [];
  const keys = { crm: 0, erp: 0, web: 0 };
  const key = (source: keyof typeof keys) =>
    `${source.toUpperCase()}-${String(++keys[source]).padStart(7, '0')}`;
  const firms: Firm[] = [];
  const mailboxes = new Mailboxes();
  let people = 0;
  const add = (p: Person): void => {
    // 55% one record, then two, three, four.
    const u = rand();
    const count = u < 0.55 ? 1 : u < 0.85 ? 2 : u < 0.96 ? 3 : 4;
    for (let r = 0; r < count && rows.length < total; r++) {
      const source = r === 0 ? 'crm' : pick(rand, ['crm', 'erp', 'web'] as const);
      rows.push(record(rand, p, source, r > 0, key, mailboxes));
      entities.push(p.id);
    }
  };
  while (rows.length < total) {
    const female = rand() < 0.5;
    const surname = pick(rand, SURNAMES);
    const city = Math.floor(rand() * CITIES.length);
    const p = person(rand, people++, female, surname, city, mailboxes);
    if (rand() < SHARED.household) {
      const spouse = person(rand, people++, !female, surname, city, mailboxes);
      const family = {
        email: p.email,
        phone: `+7${rand() < 0.5 ? '495' : '812'}${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`,
        emailRate: SHARED.familyEmail,
        phoneRate: SHARED.familyPhone,
      };
      p.shared = family;
      spouse.shared = family;
      add(p);
      add(spouse);
      continue;
    }
    if (rand() < SHARED.workplace) {
      // One firm per ~20 workers: a new one while there are few, then mostly existing ones.
      if (firms.length === 0 || rand() < 0.05) firms.push(firm(rand, firms.length));
      const f = pick(rand, firms);
      p.shared = { ...f, emailRate: SHARED.firmEmail, phoneRate: SHARED.firmPhone };
    }
    add(p);
  }
  // Shuffled (seeded), so the last 1% holds new people and new records of known ones alike.
  const order = Array.from(rows.keys());
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return { rows: order.map((i) => rows[i]!), entity: Int32Array.from(order, (i) => entities[i]!) };
}

function record(
  rand: () => number,
  p: Person,
  source: 'crm' | 'erp' | 'web',
  duplicate: boolean,
  key: (s: 'crm' | 'erp' | 'web') => string,
  mailboxes: Mailboxes,
): StageRow {
  let last = p.last;
  let first = p.first;
  let middle: string | null =
    source === 'crm' ? p.middle : source === 'erp' && rand() < 0.3 ? p.middle : null;
  if (duplicate && rand() < 0.15) last = typo(rand, last);
  if (duplicate && rand() < 0.05) first = typo(rand, first);
  const isLatin = source === 'web' || (duplicate && rand() < 0.05);
  if (isLatin) {
    last = latin(last);
    first = latin(first);
    middle = null;
  }
  let phone = !duplicate || rand() > 0.3 ? (duplicate && rand() < 0.12 ? mobile(rand) : p.phone) : null;
  let email =
    !duplicate || rand() > 0.35
      ? duplicate && rand() < SHARED.initialSurname
        ? mailboxes.initialSurname(rand, p)
        : p.email
      : null;
  if (duplicate && email !== null && rand() < SHARED.namesakeMailbox)
    email = mailboxes.namesakes(rand, p) ?? email;
  if (p.shared && email !== null && rand() < p.shared.emailRate) email = p.shared.email;
  if (p.shared && phone !== null && rand() < p.shared.phoneRate) phone = p.shared.phone;
  const city = rand() < 0.8 ? CITIES[p.city]![isLatin && rand() < 0.7 ? 1 : 0] : null;
  const full = isLatin ? [first, last].join(' ') : [last, first, middle].filter(Boolean).join(' ');
  return {
    source,
    source_key: key(source),
    last_name: last,
    first_name: first,
    middle_name: middle,
    full_name: full,
    phone: phone ?? (email === null ? p.phone : null), // every record keeps something to match on
    email,
    city,
  };
}
