/**
 * The web-form receiver as the config file writes it (top-level `receiver:`):
 *
 *   receiver:
 *     host: 127.0.0.1                  # default; 0.0.0.0 behind a proxy
 *     port: 8080
 *     forms:
 *       - { name: site, path: /forms/site, preset: tilda }
 *       - { name: landing, path: /hooks/landing, preset: standard-webhooks, secret: "${LANDING_SECRET}" }
 *       - { name: typeform, path: /hooks/typeform, preset: typeform, secret: "${TYPEFORM_SECRET}" }
 *       - { name: contact, path: /forms/contact, preset: html, redirect: "https://example.ru/thanks",
 *           allowOrigins: ["https://example.ru"] }
 *
 * A form's `name` is the staged `source`. Everything else has a default fit for one site.
 */
import { z } from 'zod';
import { secret } from '../secrets.js';
import { SourceNameSchema } from '../source-name.js';

export const PRESETS = ['tilda', 'html', 'standard-webhooks', 'typeform', 'json'] as const;
export type PresetName = (typeof PRESETS)[number];

/** What a form field can be mapped to (`fields:`): the lead's canonical parts. */
export const LEAD_FIELDS = [
  'full_name',
  'first_name',
  'last_name',
  'middle_name',
  'email',
  'phone',
  'company',
  'message',
  'page_url',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'id',
  'submitted_at',
  'ignore',
] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

const Path = z
  .string()
  .regex(/^\/[A-Za-z0-9/_.-]*$/, 'a URL path such as /forms/site (letters, digits, / _ . -)')
  .refine((p) => p !== '/metrics' && p !== '/healthz', 'is the receiver’s own (/metrics, /healthz)');

export const FormSchema = z
  .object({
    name: SourceNameSchema,
    path: Path,
    preset: z.enum(PRESETS),
    /** standard-webhooks: the signing secret (`whsec_…` base64, or raw text); typeform: the secret. */
    secret: secret(z.string().min(1)).optional(),
    /** tilda: the API key Tilda sends (in a header or a field named `apiKeyName`). */
    apiKey: secret(z.string().min(1)).optional(),
    apiKeyName: z.string().min(1).default('api_key'),
    /** html: where the browser goes after a submission (303); without it a short thank-you page. */
    redirect: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    /** html: a field real people leave empty (hidden by CSS); a filled one marks a bot. */
    honeypot: z.string().min(1).default('_gotcha'),
    /** Origins whose pages may post with fetch() and read the answer (CORS); none by default. */
    allowOrigins: z
      .array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin such as https://example.ru'))
      .default([]),
    /** The form's field names → lead fields, over the preset's own (`Имя: full_name`). */
    fields: z.record(z.string(), z.enum(LEAD_FIELDS)).default({}),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.preset === 'standard-webhooks' || f.preset === 'typeform') && f.secret === undefined)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: `is required by the ${f.preset} preset` });
  });
export type FormConfig = z.infer<typeof FormSchema>;

export const ReceiverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8080),
    forms: z.array(FormSchema).min(1),
    /** Largest body accepted, bytes (413 above). */
    bodyLimit: z
      .number()
      .int()
      .min(1_024)
      .max(10 * 1024 * 1024)
      .default(64 * 1024),
    /** Requests per client address per window (429 above). */
    rateLimit: z
      .object({
        max: z.number().int().min(1).default(60),
        windowSeconds: z.number().min(1).max(86_400).default(60),
      })
      .strict()
      .default({ max: 60, windowSeconds: 60 }),
    /** Behind a reverse proxy: take the client's address from X-Forwarded-For (rate limit per client). */
    trustProxy: z.boolean().default(false),
    /** Submissions committed together at most (group commit). */
    batchSize: z.number().int().min(1).max(5_000).default(500),
    /** A commit slower than this (ms) counts as the warehouse out of reach: the batch is spooled. */
    commitTimeout: z.number().int().min(100).max(120_000).default(3_000),
    /** Where submissions wait while the warehouse is out of reach (relative to the config file). */
    spool: z.string().min(1).default('data/webform-spool'),
    /** Minutes within which the same content without a sender's id is one submission. */
    dedupeWindowMinutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(10),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Map<string, string>();
    r.forms.forEach((f, i) => {
      const other = seen.get(f.path);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['forms', i, 'path'],
          message: `is also form '${other}'s path`,
        });
      seen.set(f.path, f.name);
    });
  });
export type ReceiverConfig = z.infer<typeof ReceiverSchema>;

/** The receiver as a push source (connectors/index.ts): the `receiver:` section, named. */
export const WebformSourceSchema = z
  .object({ connector: z.literal('webform'), name: SourceNameSchema.default('receiver') })
  .extend(ReceiverSchema.shape)
  .strict();
export type WebformSourceConfig = z.infer<typeof WebformSourceSchema>;
