import { phoneticKey } from '../../normalize/index.js';

/**
 * Short and familiar forms of given names, Russian and English: a CRM row says "Саша Петров" or
 * "Bill Smith" where the passport says Александр and William. Each line is one family of names —
 * the full forms (male and female where they share the short forms: Евгений/Евгения → Женя) and
 * their everyday diminutives. Built for this project from common usage; deliberately small and
 * unambiguous rather than exhaustive: a diminutive shared by unrelated names (Слава for Вячеслав,
 * Станислав, Ярослав…) is listed under the most common one only, because every entry makes two
 * different names agree.
 *
 * Names meet through their phonetic key (normalize/translit.ts), so "Саша", "Sasha" and "Sascha"
 * are one entry, and Latin spellings of the full form (Aleksandr, Alexander) too. A name listed
 * in two families (Fred: Alfred and Frederick) joins the families: the table is read as a union.
 */
const FAMILIES: readonly string[] = [
  // Russian, male (and female forms sharing the short ones)
  'Александр Александра Саша Саня Шура Санёк Сашка Алекс',
  'Алексей Лёша Алёша Лёха',
  'Анатолий Толя',
  'Андрей Андрюша Андрюха',
  'Антон Антоша Тоша',
  'Аркадий Аркаша',
  'Артём Тёма Артёмка',
  'Борис Боря',
  'Вадим Вадик',
  'Валентин Валентина Валя',
  'Валерий Валерия Валера Лера',
  'Василий Вася',
  'Виктор Виктория Витя Вика',
  'Виталий Виталик',
  'Владимир Вова Володя Вовка',
  'Владислав Влад',
  'Вячеслав Слава',
  'Геннадий Гена',
  'Георгий Жора Гоша',
  'Григорий Гриша',
  'Даниил Данила Даня',
  'Денис Дениска',
  'Дмитрий Дима Митя Димка',
  'Евгений Евгения Женя Женька',
  'Егор Егорка',
  'Иван Ваня Ванька',
  'Игорь Игорёк',
  'Илья Илюша',
  'Кирилл Киря',
  'Константин Костя',
  'Леонид Лёня',
  'Максим Макс',
  'Михаил Миша Мишка',
  'Никита Никитка',
  'Николай Коля Колян',
  'Олег Олежка',
  'Павел Паша Пашка',
  'Пётр Петя',
  'Роман Рома',
  'Семён Сёма',
  'Сергей Серёжа Серёга',
  'Станислав Стас',
  'Степан Стёпа',
  'Тимофей Тима',
  'Фёдор Федя',
  'Юрий Юра',
  'Ярослав Ярик',
  // Russian, female
  'Алина Аля',
  'Алла Аллочка',
  'Анастасия Настя Настёна',
  'Анна Аня Анюта Нюра',
  'Валерия Лера',
  'Варвара Варя',
  'Вера Верочка',
  'Галина Галя',
  'Дарья Даша',
  'Екатерина Катя Катерина Катюша',
  'Елена Лена',
  'Елизавета Лиза',
  'Зинаида Зина',
  'Ирина Ира',
  'Кристина Кристи',
  'Ксения Ксюша',
  'Лариса Лара',
  'Любовь Люба',
  'Людмила Люда Мила',
  'Маргарита Рита',
  'Марина Мариша',
  'Мария Маша Маня',
  'Надежда Надя',
  'Наталья Наталия Наташа Ната',
  'Нина Ниночка',
  'Оксана Ксана',
  'Ольга Оля',
  'Полина Поля',
  'Светлана Света',
  'София Софья Соня',
  'Тамара Тома',
  'Татьяна Таня',
  'Юлия Юля',
  // English
  'Alfred Fred Freddy Freddie Alf',
  'Frederick Frederic Fred Freddy Freddie',
  'Edward Ed Eddy Eddie Ted Teddy Ned',
  'William Bill Billy Will Willy Liam',
  'Robert Bob Bobby Rob Robbie Bert',
  'Richard Rick Ricky Dick Rich',
  'James Jim Jimmy Jamie',
  'John Jack Johnny Jon',
  'Michael Mike Mikey Mick',
  'Thomas Tom Tommy',
  'Charles Charlie Chuck Chas',
  'Christopher Chris Kit',
  'Daniel Dan Danny',
  'Matthew Matt Matty',
  'Anthony Antony Tony',
  'Joseph Joe Joey',
  'David Dave Davy',
  'Steven Stephen Steve Stevie',
  'Andrew Andy Drew',
  'Joshua Josh',
  'Nicholas Nick Nicky',
  'Benjamin Ben Benny',
  'Samuel Sam Sammy',
  'Patrick Pat Paddy',
  'Patricia Pat Patty Trish Tricia',
  'Peter Pete',
  'Timothy Tim Timmy',
  'Gregory Greg',
  'Kenneth Ken Kenny',
  'Lawrence Larry',
  'Ronald Ron Ronnie',
  'Donald Don Donnie',
  'Gerald Gerry Jerry',
  'Henry Harry Hank',
  'Elizabeth Liz Lizzie Beth Betty Bette Eliza Lisa Libby',
  'Margaret Maggie Meg Peggy Marge Margie',
  'Jennifer Jen Jenny',
  'Katherine Catherine Kathryn Kate Katie Kathy Cathy Kat',
  'Susan Sue Susie Suzanne',
  'Rebecca Becky Becca',
  'Deborah Debbie Deb',
  'Barbara Barb Babs',
  'Jessica Jess Jessie',
  'Victoria Vicky Tori',
  'Alexandra Alex Sandy',
  'Christine Christina Chris Tina',
  'Abigail Abby',
  'Dorothy Dot Dottie',
  'Judith Judy',
  'Pamela Pam',
  'Kimberly Kim',
];

/**
 * Familiar forms that belong to more names than the one family they are listed under: the form
 * first, then the other full names it is short for. Such a form agrees only *weakly* with those
 * other names (nameLevel: the "initial" level, a little evidence, never the family's phonetic
 * one) — putting it in two families would make every Георгий agree with every Игорь.
 */
const SHARED_FORMS: readonly string[] = [
  'Гоша Игорь', // listed under Георгий
  'Слава Станислав Ярослав Владислав', // under Вячеслав
  'Влад Владимир', // under Владислав
  'Алекс Алексей', // under Александр
  'Тоша Анатолий', // under Антон
];

/** Phonetic key of a shared form → the family ids it agrees with weakly. Built on first use. */
let weakIndex: Map<string, readonly number[]> | null = null;

function buildWeak(): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  for (const line of SHARED_FORMS) {
    const [form, ...names] = line.split(' ');
    const families = names.map(nameFamily);
    if (families.some((f) => f < 0) || nameFamily(form!) < 0)
      throw new Error(`nicknames.ts: every name of the shared form "${line}" must be in a family`);
    out.set(phoneticKey(form!), families);
  }
  return out;
}

/**
 * Whether two given names, by their phonetic keys (phoneticKey), are a shared familiar form and
 * one of the other names it is short for (Гоша / Игорь, Слава / Станислав): weak evidence of one
 * name, not a family's.
 */
export function weakNameFamily(phoneticA: string, phoneticB: string): boolean {
  weakIndex ??= buildWeak();
  const a = weakIndex.get(phoneticA);
  if (a && a.includes(index!.get(phoneticB) ?? -1)) return true;
  const b = weakIndex.get(phoneticB);
  return b !== undefined && b.includes(index!.get(phoneticA) ?? -1);
}

/** Phonetic key of a name → family id. Built once, on first use. */
let index: Map<string, number> | null = null;

function build(): Map<string, number> {
  // Union–find over family ids, so a name listed twice joins its families.
  const parent = FAMILIES.map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const first = new Map<string, number>();
  FAMILIES.forEach((line, family) => {
    for (const name of line.split(' ')) {
      const key = phoneticKey(name);
      const seen = first.get(key);
      if (seen === undefined) first.set(key, family);
      else parent[find(family)] = find(seen);
    }
  });
  const out = new Map<string, number>();
  for (const [key, family] of first) out.set(key, find(family));
  return out;
}

/**
 * Family id of a given name (any script, any common spelling), or -1 when the name is in no
 * family. Two names with the same id are forms of one name: "Саша" and "Alexander", "Bill" and
 * "William". The id is stable for one version of this table (it is a line number).
 */
export function nameFamily(name: string): number {
  index ??= build();
  return index.get(phoneticKey(name)) ?? -1;
}

/** Whether two given names are forms of one name by the table (false if either is unknown). */
export function sameNameFamily(a: string, b: string): boolean {
  const x = nameFamily(a);
  return x >= 0 && x === nameFamily(b);
}
