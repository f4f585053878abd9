import { wordSet } from './word-list.js';
import { normalizeEmail, unicodeDomain } from './email-parse.js';
import { cleanText } from './text.js';

// Domains that deliver to the same mailbox as another domain.
const DOMAIN_ALIASES: Readonly<Record<string, string>> = {
  'googlemail.com': 'gmail.com',
  'ya.ru': 'yandex.ru',
  'yandex.com': 'yandex.ru',
  'yandex.by': 'yandex.ru',
  'yandex.kz': 'yandex.ru',
  'yandex.ua': 'yandex.ru',
};

/**
 * Key under which two spellings of one mailbox meet. For matching only — never store it as
 * the customer's address (mail to the key may not arrive). Drops "+tag" subaddresses, Gmail's
 * ignored dots, and treats Yandex's interchangeable "." and "-" in logins as one; unifies
 * Unicode/punycode domains. Unparseable input comes back trimmed and lower-cased.
 */
export function emailMatchKey(email: string): string {
  const parsed = normalizeEmail(email);
  const addr = parsed.ok ? parsed.value : (cleanText(email) ?? '').toLowerCase();
  const at = addr.lastIndexOf('@');
  if (at <= 0) return addr;
  let local = addr.slice(0, at);
  const rawDomain = unicodeDomain(addr.slice(at + 1));
  const domain = DOMAIN_ALIASES[rawDomain] ?? rawDomain;
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  if (domain === 'yandex.ru') local = local.replace(/\./g, '-');
  return `${local}@${domain}`;
}

// Mailboxes of a department or a function rather than a person. Several customers of one
// company (or its successive employees) share them, so they must never link records on their own.
// English first, then Russian (transliterated as people type it, and Cyrillic).
const ROLE_LOCAL_PARTS: ReadonlySet<string> = wordSet(`
  info sales sale office support admin administrator noreply no-reply donotreply do-not-reply mail
  email hello hi contact contacts order orders accounting accounts billing finance hr job jobs
  career careers marketing press pr media reception secretary manager managers team service help
  helpdesk webmaster postmaster hostmaster abuse security shop store general enquiries inquiries
  feedback delivery logistics it director ceo legal client clients partner partners welcome
  newsletter news robot bot notifications mailer-daemon root test

  zakaz zakazy buh buhgalter buhgalteria buhgalteriya bux kadry rezume priemnaya priem opt snab
  tender tenders post pochta dostavka kontakt kontakty yurist direktor sekretar ofis privet
  инфо почта заказ офис бух приемная
`);

/**
 * Whether an address belongs to a role (info@, sales@, zakaz@, buh@…) rather than a person.
 * Also catches numbered and regional variants: "office2@", "sales.msk@", "info-spb@".
 */
export function isRoleAddress(email: string): boolean {
  const addr = (cleanText(email) ?? '').toLowerCase();
  const at = addr.lastIndexOf('@');
  const local = (at < 0 ? addr : addr.slice(0, at)).split('+')[0] ?? '';
  const bare = local.replace(/[\d._-]+$/, '');
  if (ROLE_LOCAL_PARTS.has(local) || ROLE_LOCAL_PARTS.has(bare)) return true;
  const firstSegment = local.split(/[._-]/)[0] ?? '';
  return ROLE_LOCAL_PARTS.has(firstSegment.replace(/\d+$/, ''));
}
