/**
 * What each kind of sender posts and how it proves who it is: a request (its media type, raw
 * bytes or multipart fields, headers) → a submission to stage, Tilda's probe, a honeypot hit, or
 * a refusal with its status. Nothing here writes or logs what the request said.
 */
import type { FormConfig } from './config.js';
import type { SentField, Submission } from './lead.js';
import { sameKey, verifyStandardWebhook, verifyTypeform } from './signatures.js';

export interface Incoming {
  /** The media type, lower case, without parameters. */
  mediaType: string;
  /** The body's bytes as sent (JSON, form-urlencoded, text); null for multipart. */
  raw: Buffer | null;
  /** Fields of a multipart body. */
  multipart: SentField[] | null;
  header(name: string): string | undefined;
  nowMs: number;
}

export type PresetResult =
  | { kind: 'submission'; submission: Submission }
  | { kind: 'probe' }
  | { kind: 'spam' }
  | { kind: 'refused'; status: 400 | 401 | 415; reason: string };

const URLENCODED = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const JSON_TYPE = 'application/json';
/** Nesting read of a JSON body; deeper parts are left out. */
const JSON_DEPTH = 6;
/** Fields read of one submission; a form with more is not a person's. */
const MAX_FIELDS = 200;

export function readSubmission(form: FormConfig, req: Incoming): PresetResult {
  switch (form.preset) {
    case 'tilda':
      return tilda(form, req);
    case 'html':
      return html(form, req);
    case 'standard-webhooks':
      return standardWebhooks(form, req);
    case 'typeform':
      return typeform(form, req);
    case 'json':
      return json(form, req, null, null);
  }
}

function unsupported(allowed: string): PresetResult {
  return { kind: 'refused', status: 415, reason: `expects ${allowed}` };
}

function tilda(form: FormConfig, req: Incoming): PresetResult {
  let fields: SentField[];
  if (req.mediaType === URLENCODED && req.raw) fields = urlencoded(req.raw);
  else if (req.mediaType === MULTIPART && req.multipart) fields = req.multipart;
  else if (req.mediaType === JSON_TYPE && req.raw) {
    const parsed = jsonFields(req.raw);
    if (parsed === null) return { kind: 'refused', status: 400, reason: 'body is not JSON' };
    fields = parsed;
  } else return unsupported('application/x-www-form-urlencoded');
  if (form.apiKey !== undefined) {
    const given = req.header(form.apiKeyName) ?? fields.find((f) => f.label === form.apiKeyName)?.value;
    if (!sameKey(form.apiKey, given))
      return { kind: 'refused', status: 401, reason: 'wrong or missing API key' };
    fields = fields.filter((f) => f.label !== form.apiKeyName);
  }
  // Tilda checks a webhook by posting test=test when it is connected.
  if (fields.length === 1 && fields[0]!.label === 'test' && fields[0]!.value === 'test')
    return { kind: 'probe' };
  const tranid = fields.find((f) => f.label === 'tranid')?.value ?? null;
  return finish(
    form,
    fields.filter((f) => f.label !== 'tranid'),
    tranid ? `tilda:${tranid}` : null,
    null,
    null,
  );
}

function html(form: FormConfig, req: Incoming): PresetResult {
  let fields: SentField[];
  if (req.mediaType === URLENCODED && req.raw) fields = urlencoded(req.raw);
  else if (req.mediaType === MULTIPART && req.multipart) fields = req.multipart;
  else return unsupported('a form post (application/x-www-form-urlencoded or multipart/form-data)');
  if (fields.some((f) => f.label === form.honeypot && f.value.trim() !== '')) return { kind: 'spam' };
  return finish(form, fields, null, null, req.header('referer') ?? null);
}

function standardWebhooks(form: FormConfig, req: Incoming): PresetResult {
  const verdict = verifyStandardWebhook(
    form.secret!,
    {
      id: req.header('webhook-id'),
      timestamp: req.header('webhook-timestamp'),
      signature: req.header('webhook-signature'),
    },
    req.raw ?? Buffer.alloc(0),
    req.nowMs,
  );
  if (!verdict.ok) return { kind: 'refused', status: 401, reason: verdict.reason };
  if (req.mediaType !== JSON_TYPE || !req.raw) return unsupported('application/json');
  const id = req.header('webhook-id')!;
  const at = new Date(Number(req.header('webhook-timestamp')) * 1000).toISOString();
  return json(form, req, `wh:${id}`, at);
}

function typeform(form: FormConfig, req: Incoming): PresetResult {
  const verdict = verifyTypeform(form.secret!, req.header('typeform-signature'), req.raw ?? Buffer.alloc(0));
  if (!verdict.ok) return { kind: 'refused', status: 401, reason: verdict.reason };
  if (req.mediaType !== JSON_TYPE || !req.raw) return unsupported('application/json');
  const body = parseJson(req.raw);
  if (body === undefined) return { kind: 'refused', status: 400, reason: 'body is not JSON' };
  const event = asObject(body);
  const response = asObject(event?.form_response);
  if (!event || !response) return { kind: 'refused', status: 400, reason: 'not a Typeform form_response' };
  const titles = new Map<string, { title: string; ref: string | null }>();
  for (const f of asArray(asObject(response.definition)?.fields)) {
    const o = asObject(f);
    if (o && typeof o.id === 'string')
      titles.set(o.id, { title: String(o.title ?? o.id), ref: typeof o.ref === 'string' ? o.ref : null });
  }
  const fields: SentField[] = [];
  for (const a of asArray(response.answers)) {
    const answer = asObject(a);
    const field = asObject(answer?.field);
    if (!answer || !field) continue;
    const id = String(field.id ?? '');
    const known = titles.get(id);
    const ref = typeof field.ref === 'string' ? field.ref : (known?.ref ?? null);
    // The form's own mapping may name a field by its ref or by its title.
    const label = ref !== null && form.fields[ref] !== undefined ? ref : (known?.title ?? ref ?? id);
    const value = typeformValue(answer);
    if (value === null) continue;
    const type = String(answer.type ?? '');
    fields.push({
      label,
      value,
      ...(type === 'email'
        ? { field: 'email' as const }
        : type === 'phone_number'
          ? { field: 'phone' as const }
          : {}),
    });
  }
  for (const [k, v] of Object.entries(asObject(response.hidden) ?? {}))
    if (typeof v === 'string' || typeof v === 'number') fields.push({ label: k, value: String(v) });
  const id =
    typeof event.event_id === 'string'
      ? `tf:${event.event_id}`
      : typeof response.token === 'string'
        ? `tf:${response.token}`
        : null;
  const at = typeof response.submitted_at === 'string' ? response.submitted_at : null;
  return finish(form, fields.slice(0, MAX_FIELDS), id, at, null);
}

function typeformValue(answer: Record<string, unknown>): string | null {
  const type = String(answer.type ?? '');
  const v = answer[type];
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  const o = asObject(v);
  if (type === 'choice' && o) return String(o.label ?? o.other ?? '') || null;
  if (type === 'choices' && o) {
    const labels = asArray(o.labels).map(String);
    if (typeof o.other === 'string') labels.push(o.other);
    return labels.join(', ') || null;
  }
  return null;
}

function json(form: FormConfig, req: Incoming, id: string | null, at: string | null): PresetResult {
  if (req.mediaType !== JSON_TYPE || !req.raw) return unsupported('application/json');
  const body = parseJson(req.raw);
  const object = asObject(body);
  if (!object) return { kind: 'refused', status: 400, reason: 'body is not a JSON object' };
  // Standard Webhooks' envelope is {type, timestamp, data}: the submission is its data.
  const data = asObject(object.data) ?? object;
  return finish(form, flatten(data), id, at, null);
}

/** The sender's id and time from fields mapped to them (`fields: { lead_id: id }`), then the submission. */
function finish(
  form: FormConfig,
  fields: SentField[],
  id: string | null,
  at: string | null,
  page: string | null,
): PresetResult {
  let senderId = id;
  let submittedAt = at;
  for (const f of fields) {
    const mapped = form.fields[f.label];
    if (mapped === 'id' && senderId === null && f.value.trim() !== '') senderId = `id:${f.value.trim()}`;
    if (mapped === 'submitted_at' && submittedAt === null && f.value.trim() !== '')
      submittedAt = f.value.trim();
  }
  return {
    kind: 'submission',
    submission: { fields: fields.slice(0, MAX_FIELDS), senderId, submittedAt, pageFromHeader: page },
  };
}

function urlencoded(raw: Buffer): SentField[] {
  const fields: SentField[] = [];
  // WHATWG parsing: + and %XX, UTF-8 (what browsers send from a UTF-8 page), bad escapes kept as text.
  for (const [label, value] of new URLSearchParams(raw.toString('utf8'))) {
    fields.push({ label, value });
    if (fields.length >= MAX_FIELDS) break;
  }
  return fields;
}

function jsonFields(raw: Buffer): SentField[] | null {
  const object = asObject(parseJson(raw));
  return object ? flatten(object) : null;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON object as fields: nested keys joined with dots, arrays of plain values joined with commas. */
function flatten(
  object: Record<string, unknown>,
  prefix = '',
  depth = 0,
  out: SentField[] = [],
): SentField[] {
  for (const [k, v] of Object.entries(object)) {
    if (out.length >= MAX_FIELDS) break;
    const label = prefix + k;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out.push({ label, value: String(v) });
    else if (Array.isArray(v)) {
      const plain = v.filter((x) => typeof x === 'string' || typeof x === 'number');
      if (plain.length > 0) out.push({ label, value: plain.join(', ') });
    } else if (depth < JSON_DEPTH && asObject(v)) flatten(asObject(v)!, `${label}.`, depth + 1, out);
  }
  return out;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
