/**
 * One form submission → what is staged of it: the person (stg_contact) and the lead itself
 * (stg_interaction: channel web, inbound, when, the form, page, referrer, UTM tags and the
 * message), both under one key; or a quarantine row with its reason when it names nobody that
 * can be reached. Values go through the same normalizers as spreadsheet cells (convertCell):
 * names split, phones to E.164, e-mails validated.
 */
import { hash } from 'node:crypto';
import { completeNames } from '../canonical/names.js';
import { FIELD_KINDS, type FieldName } from '../canonical/fields.js';
import { convertCell } from '../canonical/values.js';
import { cleanText, csvSafe } from '../../transforms/normalize/index.js';
import { keepInAttributes, type ConnectorItem, type Lineage, type SourceRecord } from '../contract.js';
import type { FormConfig, LeadField } from './config.js';
import { leadFieldOf } from './labels.js';

/** One field as sent: its name or label, its value, and its lead field when the sender's format says it. */
export interface SentField {
  label: string;
  value: string;
  field?: LeadField;
}

/** A submission as a preset read it, before it is a lead. */
export interface Submission {
  fields: SentField[];
  /** The sender's own id of this submission (Tilda tranid, webhook-id, Typeform event_id). */
  senderId: string | null;
  /** When the sender says it was submitted (ISO instant), else null: the time it arrived counts. */
  submittedAt: string | null;
  /** The page the browser sent it from (its Referer header), for html forms. */
  pageFromHeader?: string | null;
}

const KEY_MAX = 200;
const SUBJECT_MAX = 200;
const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const;
/** Tilda's own fields that say nothing about the lead (cookies hold other sites' identifiers). */
const DROPPED = new Set(['cookies']);

/** The content of a submission as a hash: what makes a retry without an id the same submission. */
export function contentHash(form: FormConfig, sub: Submission): string {
  const pairs = sub.fields
    .filter((f) => f.label !== form.honeypot)
    .map((f) => [f.label, f.value.trim()])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1));
  return hash('sha1', JSON.stringify([form.name, pairs]), 'base64url');
}

/**
 * Where a rejected submission is filed in stg_quarantine: under its form's path and its key, so a
 * later copy of it that is staged clears it (stageReceived's rejectFileOf).
 */
export function rejectFile(formPath: string, key: string): string {
  return `${formPath}#${key}`;
}

/** A key fit for source_key: the sender's id as it is when short, else its hash. */
export function senderKey(id: string): string {
  return id.length <= KEY_MAX ? id : `id:${hash('sha1', id, 'base64url')}`;
}

/**
 * The lead's staging items under `key`, received at `receivedAt`: an interaction with its contact
 * (both kept only when neither the key nor one of `sameAs` is staged, so a retry never rewrites
 * the first), or a reject.
 */
export function leadItems(
  form: FormConfig,
  sub: Submission,
  key: string,
  receivedAt: Date,
  region: string,
  /** Keys under which the same submission may be staged already (dedupe.ts contentKey). */
  sameAs: string[] = [],
): ConnectorItem[] {
  // A reject is filed under its own key; a staged lead names no file of its own, so staging has
  // no earlier reject of it to look for there; stageReceived clears one that is found under its key.
  const lineage: Lineage = { file: rejectFile(form.path, key), line: null };
  const staged: Lineage = { file: null, line: null };
  const sent: Partial<Record<LeadField, string>> = {};
  const attributes: Record<string, string> = {};
  for (const f of sub.fields) {
    const value = f.value.trim();
    if (value === '' || f.label === form.honeypot) continue;
    const field = f.field ?? leadFieldOf(f.label, form.fields);
    if (field === 'ignore' || DROPPED.has(f.label.toLowerCase())) continue;
    if (field !== null && sent[field] === undefined) sent[field] = value;
    else keepInAttributes(attributes, f.label, value);
  }

  const warnings: string[] = [];
  const values: Partial<Record<FieldName, string | number>> = {};
  let phoneExt: string | null = null;
  const convert = (from: LeadField, to: FieldName) => {
    const text = sent[from];
    if (text === undefined) return;
    const converted = convertCell(text, { field: to, kind: FIELD_KINDS[to] }, region);
    if (converted === null) return;
    if (!converted.ok) warnings.push(converted.problem);
    else {
      values[to] = converted.value;
      if (to === 'phone' && converted.ext) phoneExt = converted.ext;
    }
  };
  for (const f of [
    'full_name',
    'first_name',
    'last_name',
    'middle_name',
    'email',
    'phone',
    'company',
  ] as const)
    convert(f, f);
  completeNames(values);
  if (values.email === undefined && values.phone === undefined) {
    const why = warnings.length > 0 ? `: ${warnings.join('; ')}` : '';
    return [
      {
        kind: 'reject',
        reject: {
          stream: 'interaction',
          reason: `submission has no e-mail or phone to reach the person by${why}`,
          raw: JSON.stringify(Object.fromEntries(sub.fields.map((f) => [f.label, f.value]))),
          lineage,
        },
      },
    ];
  }

  const at = occurredAt(sub.submittedAt, receivedAt, warnings);
  const text = (field: LeadField): string | null => {
    const value = sent[field];
    if (value === undefined) return null;
    const converted = convertCell(value, { field: 'subject', kind: 'text' }, region);
    return converted?.ok ? String(converted.value) : null;
  };
  const pageUrl = text('page_url') ?? cleanUrl(sub.pageFromHeader ?? null);
  const fromPage = utmOfPage(pageUrl);
  // The message keeps its line breaks (the subject is its first line).
  const message = sent.message === undefined ? null : cleanText(sent.message, { keepLineBreaks: true });
  const body = message === null ? null : csvSafe(message);
  const str = (v: string | number | undefined) => (v === undefined ? null : String(v));
  const interaction: SourceRecord<'interaction'> = {
    stream: 'interaction',
    sourceKey: key,
    fields: {
      customer_source_key: key,
      occurred_at: at,
      channel: 'web',
      direction: 'inbound',
      subject: body === null ? null : (body.split('\n')[0] ?? '').slice(0, SUBJECT_MAX),
      body,
      full_name: str(values.full_name),
      email: str(values.email),
      phone: str(values.phone),
      company: str(values.company),
      form: form.name,
      page_url: pageUrl,
      referrer: text('referrer'),
      ...Object.fromEntries(UTM.map((u) => [u, text(u) ?? fromPage[u] ?? null])),
    },
    attributes,
    lineage: staged,
    warnings,
    ifAbsent: true,
    ...(sameAs.length > 0 ? { sameAs } : {}),
  };
  const contact: SourceRecord<'contact'> = {
    stream: 'contact',
    sourceKey: key,
    fields: {
      full_name: str(values.full_name),
      first_name: str(values.first_name),
      last_name: str(values.last_name),
      middle_name: str(values.middle_name),
      email: str(values.email),
      phone: str(values.phone),
      phone_ext: phoneExt,
      company: str(values.company),
      source_created_at: at,
    },
    attributes: {},
    lineage: staged,
    warnings,
    ifAbsent: true,
  };
  return [
    { kind: 'record', record: interaction },
    { kind: 'record', record: contact },
  ];
}

/** The sender's time when it is a real instant near now, else the time it arrived. */
function occurredAt(submitted: string | null, received: Date, warnings: string[]): string {
  if (submitted !== null) {
    const ms = Date.parse(submitted);
    // A sender's clock a day ahead is wrong; a submission older than a year is not a retry of today's.
    if (
      Number.isFinite(ms) &&
      ms <= received.getTime() + 86_400_000 &&
      ms >= received.getTime() - 365 * 86_400_000
    )
      return new Date(ms).toISOString();
    warnings.push(
      `submitted_at "${submitted.slice(0, 40)}" is not a usable time; the time it arrived is kept`,
    );
  }
  return received.toISOString();
}

function cleanUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString().slice(0, 2_000) : null;
  } catch {
    return null;
  }
}

/** UTM tags in the page's own address (?utm_source=…), for forms that do not send them as fields. */
function utmOfPage(url: string | null): Partial<Record<(typeof UTM)[number], string>> {
  if (url === null) return {};
  try {
    const params = new URL(url).searchParams;
    const found: Partial<Record<(typeof UTM)[number], string>> = {};
    for (const u of UTM) {
      const v = params.get(u)?.trim();
      if (v) found[u] = v.slice(0, 200);
    }
    return found;
  } catch {
    return {};
  }
}
