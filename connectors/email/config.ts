/**
 * An e-mail source as the config file writes it: a live mailbox over IMAP, or exported files.
 *
 *   - name: sales-mail
 *     connector: email
 *     imap: { host: imap.example.ru, port: 993, secure: true, user: sales@example.ru,
 *             password: "${MAIL_PASSWORD}" }      # or accessToken: "${MAIL_TOKEN}" (XOAUTH2)
 *     folders: [INBOX, Sent]                      # default: INBOX and the folder flagged \Sent
 *     ownDomains: [example.ru]
 *     body: none                                  # none | snippet | full
 *   - { name: old-mail, connector: email, path: "exports/*.mbox", ownDomains: [example.ru] }
 */
import { z } from 'zod';
import { secret } from '../secrets.js';
import { SourceNameSchema } from '../source-name.js';

const ImapSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(993),
    /** TLS from the first byte (993). false only for a plain-text server you trust (tests, loopback). */
    secure: z.boolean().default(true),
    user: z.string().min(1),
    password: secret(z.string().min(1)).optional(),
    /** OAuth2 access token (XOAUTH2), instead of a password. */
    accessToken: secret(z.string().min(1)).optional(),
    /** Certificates are verified unless this says otherwise (a self-signed test server). */
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict()
  .refine((i) => (i.password === undefined) !== (i.accessToken === undefined), {
    message: 'needs exactly one of password and accessToken',
  });

const Domain = z
  .string()
  .min(1)
  .transform((d) => d.trim().toLowerCase().replace(/^@/, ''));

export const EmailSourceSchema = z
  .object({
    name: SourceNameSchema,
    connector: z.literal('email'),
    imap: ImapSchema.optional(),
    /** An .mbox or .eml file, a Maildir folder, a glob in the last segment, or a list of them. */
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    folders: z.array(z.string().min(1)).min(1).optional(),
    /** Our side: decides direction; mail only among these domains is internal and skipped. */
    ownDomains: z.array(Domain).default([]),
    /** What of a message's text is kept: none, its first 500 characters, or all of it. */
    body: z.enum(['none', 'snippet', 'full']).default('none'),
    /** Addresses (a@b.ru) and domains (b.ru) whose mail is never captured. */
    neverCapture: z.array(Domain).default([]),
    /** Messages read and staged per transaction (and per saved position). */
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** The mailbox owner (the manager) when neither the IMAP user nor the file says it. */
    owner: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.imap === undefined) !== (s.path === undefined), {
    message: 'needs exactly one of imap (a live mailbox) and path (exported files)',
  });

export type EmailSourceConfig = z.infer<typeof EmailSourceSchema>;
export type ImapConfig = NonNullable<EmailSourceConfig['imap']>;
