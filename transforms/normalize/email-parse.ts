import { domainToASCII, domainToUnicode } from 'node:url';
import { fail, ok, quote, type Parsed } from './parsed.js';
import { memoize } from './memo.js';
import { cleanText } from './text.js';

// RFC 5322 dot-atom characters, widened to Unicode letters and digits for internationalised
// mailboxes (RFC 6531: "иван@почта.рф" is deliverable). Quoted local parts and IP-literal
// domains are valid but never seen in real customer data, so they are rejected.
const ATEXT = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LOCAL = new RegExp(String.raw`^${ATEXT}+(?:\.${ATEXT}+)*$`, 'u');
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Trim; accept "mailto:", "<a@b.ru>" and "Ivan Ivanov <a@b.ru>" forms; take the first of several
 * addresses in a cell; lowercase (local parts are case-insensitive at every real provider);
 * validate a practical RFC 5322 subset with IDN domains (Cyrillic .рф included). The domain is
 * kept as written (Unicode or punycode); emailMatchKey makes the two forms meet.
 */
export function normalizeEmail(raw: string): Parsed<string> {
  const fast = fastEmail(raw);
  if (fast !== null) return ok(fast);
  const cleaned = cleanText(raw);
  if (cleaned === null) return fail('email is empty');
  const s = unwrap(cleaned).toLowerCase();
  // Quoted only for a failure reason: JSON-quoting every accepted address was measurable.
  const q = (): string => quote(raw);
  if (s === '') return fail(`email ${q()} is empty`);

  const at = s.indexOf('@');
  if (at < 0) return fail(`email ${q()} has no @`);
  if (s.indexOf('@', at + 1) >= 0) return fail(`email ${q()} has more than one @`);
  if (/\s/.test(s)) return fail(`email ${q()} contains spaces`);
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local === '') return fail(`email ${q()} has no local part`);
  if (domain === '') return fail(`email ${q()} has no domain`);
  if (local.length > 64) return fail(`email ${q()} has a local part longer than 64 characters`);
  if (!LOCAL.test(local)) {
    return /^\.|\.$|\.\./.test(local)
      ? fail(`email ${q()} has a misplaced dot before @`)
      : fail(`email ${q()} has invalid characters before @`);
  }
  const domainProblem = checkDomain(domain);
  if (domainProblem) return fail(`email ${q()} ${domainProblem}`);
  return ok(`${local}@${domain}`);
}

/**
 * Fast path for the plain address that fills most e-mail columns: "User.Name+tag@mail.ru", only
 * ASCII letters, digits and `._+-` around a single `@`, nothing to unwrap. For such a string
 * cleanText and unwrap change nothing (it has no space, bracket, comma, colon or question mark;
 * a trailing dot, which unwrap would strip, is left to the general path), so the result is the
 * lowercased string once its local part is a dot-atom and its domain passes checkDomain.
 * Anything else gives null and goes through the general path, which also words every refusal.
 */
export function fastEmail(raw: string): string | null {
  const n = raw.length;
  let at = -1;
  let upper = false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) continue; // a-z
    if (c >= 0x30 && c <= 0x39) continue; // 0-9
    if (c === 0x2e) {
      // "." not first or last in the local part, not doubled, not at the very end
      if (i === 0 || i === at + 1 || i === n - 1 || raw.charCodeAt(i - 1) === 0x2e) return null;
      if (raw.charCodeAt(i + 1) === 0x40 && at < 0) return null;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a)
      upper = true; // A-Z
    else if (c === 0x40) {
      if (at >= 0) return null;
      at = i;
    } else if (c !== 0x2d && c !== 0x5f && c !== 0x2b) return null; // - _ +
  }
  if (at <= 0 || at === n - 1 || at > 64) return null;
  const s = upper ? raw.toLowerCase() : raw;
  return checkDomain(s.slice(at + 1)) === null ? s : null;
}

// domainToASCII (UTS #46) is the costliest step per email, and a sheet has few distinct domains.
const checkDomain = memoize(checkDomainUncached);

function checkDomainUncached(domain: string): string | null {
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > 253) return `has an invalid domain ${quote(domain)}`;
  const labels = ascii.split('.');
  if (labels.length < 2) return `domain ${quote(domain)} has no top-level part`;
  if (!labels.every((l) => LABEL.test(l))) return `has an invalid domain ${quote(domain)}`;
  if (!TLD.test(labels[labels.length - 1] ?? '')) {
    return `has an invalid top-level domain in ${quote(domain)}`;
  }
  return null;
}

/** Strips the wrappings people and mail clients put around an address. */
function unwrap(s: string): string {
  let out = s;
  const angle = /<([^<>]*)>/.exec(out); // "Ivan <a@b.ru>" or "<a@b.ru>"
  if (angle) out = angle[1] ?? '';
  out = out
    .replace(/^(?:e-?mail|почта|эл\.?\s*почта)\s*:\s*/iu, '') // "e-mail: a@b.ru"
    .replace(/^mailto:/i, '')
    .replace(/\?.*$/, ''); // mailto:a@b.ru?subject=…
  // Several addresses: "a@b.ru, c@d.ru", "a@b.ru; c@d.ru", "a@b.ru c@d.ru" → the first.
  const segments = out.split(/[,;]/).map((x) => x.trim());
  out = segments.find((x) => x.includes('@')) ?? segments[0] ?? '';
  const words = out.split(/\s+/);
  if (words.length > 1 && words.every((w) => w.includes('@'))) out = words[0] ?? '';
  // Quotes, brackets and sentence punctuation stuck to either end.
  return out.replace(/^["'«([]+|["'»)\].,:;!]+$/g, '').trim();
}

/** Domain in Unicode form, so "xn--80a1acny.xn--p1ai" and "почта.рф" compare equal. */
export function unicodeDomain(domain: string): string {
  const ascii = domainToASCII(domain);
  return ascii === '' ? domain : domainToUnicode(ascii);
}
