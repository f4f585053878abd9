/**
 * Mail that is not a conversation with a customer: counted and skipped with its reason, never
 * staged as a customer. Each rule is one that a mail server or client sets on purpose (a header,
 * a report type, a sender role), so a real letter is not lost to a guess; only out-of-office
 * subjects are matched by wording, and only at the subject's start.
 */
import type { MailFacts } from './mail-facts.js';

export type SkipReason =
  | 'auto-reply'
  | 'bounce'
  | 'mailing list'
  | 'bulk mail'
  | 'no-reply sender'
  | 'never-capture list'
  | 'internal mail';

export interface ClassifyOptions {
  /** Lower-case domains of our side. */
  ownDomains: readonly string[];
  /** Lower-case addresses and domains never captured. */
  neverCapture: readonly string[];
}

export const OUT_OF_OFFICE =
  /^\s*(auto(matic)?[ -]?(reply|response|answer)|out of (the )?office|away from (the )?office|autosvar|abwesenheitsnotiz|автоответ|автоматический ответ|вне офиса|я в отпуске|нахожусь в отпуске|отсутствую)/i;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon)$/i;
const NO_REPLY = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.].*|.*[-_.]noreply)$/i;

export function classify(mail: MailFacts, options: ClassifyOptions): SkipReason | null {
  const header = (name: string) => mail.headers.get(name)?.trim().toLowerCase();
  const fromLocal = mail.from ? localPart(mail.from.address) : '';

  const contentType = header('content-type') ?? '';
  if (/^multipart\/report\b/.test(contentType) && /report-type="?delivery-status/.test(contentType))
    return 'bounce';
  if (BOUNCE_SENDER.test(fromLocal)) return 'bounce';

  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted !== 'no') return 'auto-reply';
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return 'auto-reply';
  if (header('precedence') === 'auto_reply') return 'auto-reply';
  if (mail.subject && OUT_OF_OFFICE.test(mail.subject)) return 'auto-reply';

  if (mail.headers.has('list-id')) return 'mailing list';
  const precedence = header('precedence');
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return 'bulk mail';

  if (NO_REPLY.test(fromLocal)) return 'no-reply sender';

  const everyone = [mail.from, ...mail.to, ...mail.cc].filter((a) => a !== null);
  if (options.neverCapture.length > 0) {
    for (const a of everyone) {
      const address = a.address.toLowerCase();
      if (options.neverCapture.includes(address) || options.neverCapture.includes(domainOf(address)))
        return 'never-capture list';
    }
  }
  if (
    options.ownDomains.length > 0 &&
    everyone.length > 0 &&
    everyone.every((a) => isOwn(a.address, options))
  )
    return 'internal mail';
  return null;
}

export function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/** Ours: the address's domain is one of ownDomains or a subdomain of one. */
export function isOwn(address: string, options: Pick<ClassifyOptions, 'ownDomains'>): boolean {
  const domain = domainOf(address);
  return options.ownDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
