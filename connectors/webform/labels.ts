/**
 * Which lead field a form's field is, by its name or label as sites write them: Tilda's Name /
 * Email / Phone, hand-made forms' name="email", Russian labels (Имя, Телефон, Почта). Matched
 * case-insensitively with spaces, dashes and underscores ignored; a form's own `fields:` mapping
 * comes first.
 */
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

/** The lead field a field name or label stands for, or null (kept in attributes). */
export function leadFieldOf(label: string, mapping: Readonly<Record<string, LeadField>>): LeadField | null {
  const own = mapping[label] ?? Object.entries(mapping).find(([k]) => labelKey(k) === labelKey(label))?.[1];
  if (own !== undefined) return own;
  return BY_LABEL.get(labelKey(label)) ?? null;
}
