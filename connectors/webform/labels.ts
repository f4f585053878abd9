/**
 * Which lead field a form's field is, by its name or label as sites write them: Tilda's Name /
 * Email / Phone, hand-made forms' name="email", Russian labels (Имя, Телефон, Почта). Matched
 * case-insensitively with spaces, dashes and underscores ignored; a form's own `fields:` mapping
 * comes first.
 */
import { memoize } from '../../transforms/normalize/memo.js';
import type { LeadField } from './config.js';

const LABELS: Record<Exclude<LeadField, 'ignore'>, readonly string[]> = {
  full_name: [
    'name',
    'fullname',
    'yourname',
    'contactname',
    'fio',
    'фио',
    'имя',
    'вашеимя',
    'имяифамилия',
    'фамилияимя',
    'клиент',
    'контактноелицо',
  ],
  first_name: ['firstname', 'givenname', 'fname'],
  last_name: ['lastname', 'surname', 'familyname', 'lname', 'фамилия'],
  middle_name: ['middlename', 'patronymic', 'отчество'],
  email: [
    'email',
    'mail',
    'emailaddress',
    'youremail',
    'почта',
    'элпочта',
    'электроннаяпочта',
    'вашemail',
    'вашапочта',
    'адресэлектроннойпочты',
  ],
  phone: [
    'phone',
    'tel',
    'telephone',
    'mobile',
    'phonenumber',
    'yourphone',
    'телефон',
    'тел',
    'ваштелефон',
    'номертелефона',
    'мобильный',
    'whatsapp',
  ],
  company: ['company', 'organization', 'organisation', 'компания', 'организация', 'названиекомпании'],
  message: [
    'message',
    'comment',
    'comments',
    'text',
    'question',
    'textarea',
    'сообщение',
    'комментарий',
    'вопрос',
    'текст',
    'вашвопрос',
    'вашесообщение',
    'пожелания',
  ],
  page_url: ['page', 'pageurl', 'url', 'formurl', 'страница'],
  referrer: ['referrer', 'referer', 'ref'],
  utm_source: ['utmsource'],
  utm_medium: ['utmmedium'],
  utm_campaign: ['utmcampaign'],
  utm_content: ['utmcontent'],
  utm_term: ['utmterm'],
  id: [],
  submitted_at: [],
};

const BY_LABEL = new Map<string, LeadField>();
for (const [field, labels] of Object.entries(LABELS) as Array<[LeadField, readonly string[]]>)
  for (const label of labels) BY_LABEL.set(label, field);

/** A label reduced to what tells it apart: lower case, no spaces, dashes, underscores or dots. */
export function labelKey(label: string): string {
  return label
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s\-_.:*]+/g, '');
}

/** Per `fields:` mapping (one per form): the lead field of each label, as leadFieldOf answers. */
const lookups = new WeakMap<Readonly<Record<string, LeadField>>, (label: string) => LeadField | null>();
/** Labels remembered per form: a form has a handful; a sender making up new ones only refills it. */
const LABELS_KEPT = 1_000;

/**
 * The lead field a field name or label stands for, or null (kept in attributes). The mapping's
 * labels are reduced (labelKey) once per form, not once per field of every submission, and each
 * label's answer is remembered.
 */
export function leadFieldOf(label: string, mapping: Readonly<Record<string, LeadField>>): LeadField | null {
  let lookup = lookups.get(mapping);
  if (lookup === undefined) {
    // Two mapped labels that reduce alike: the first one written wins.
    const byKey = new Map<string, LeadField>();
    for (const [k, field] of Object.entries(mapping))
      if (!byKey.has(labelKey(k))) byKey.set(labelKey(k), field);
    lookup = memoize((l: string): LeadField | null => {
      const key = labelKey(l);
      // Own keys only: a field named "constructor" is not the mapping object's prototype.
      const own = Object.hasOwn(mapping, l) ? mapping[l] : byKey.get(key);
      return own ?? BY_LABEL.get(key) ?? null;
    }, LABELS_KEPT);
    lookups.set(mapping, lookup);
  }
  return lookup(label);
}
