/**
 * The demo's web forms: the receiver started on a free port, the bundled sample submissions
 * (samples/webform-submissions.json: a Tilda probe, leads in Russian, a retry, a honeypot hit, a
 * submission with nobody to reach, a signed webhook) posted to it over HTTP as a site and a
 * landing-page builder would, then stopped, before the pipeline runs.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../lib/logger.js';
import { packageRoot } from '../../lib/package-root.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { migrateUnderLock } from '../../warehouse/migrate.js';
import type { LoadedConfig } from '../config.js';
import { startWebforms } from './start.js';

interface Sample {
  note: string;
  form: string;
  type: 'form' | 'multipart' | 'webhook';
  fields?: Record<string, string>;
  id?: string;
  body?: unknown;
}

export interface DemoPost {
  note: string;
  path: string;
  status: number;
}

export async function postDemoSubmissions(
  wh: Warehouse,
  loaded: LoadedConfig,
  logger: Logger,
): Promise<DemoPost[]> {
  const receiver = loaded.config.receiver;
  if (!receiver) return [];
  const samples = JSON.parse(
    fs.readFileSync(path.join(packageRoot(), 'samples', 'webform-submissions.json'), 'utf8'),
  ) as Sample[];
  const quiet = logger.child({}, { level: 'warn' });
  await migrateUnderLock(wh, quiet);
  // The spool, like the demo's warehouse, lives under the working directory.
  const handle = await startWebforms({
    wh,
    receiver,
    baseDir: process.cwd(),
    defaultRegion: loaded.config.defaultRegion,
    logger: quiet,
  });
  const posts: DemoPost[] = [];
  try {
    for (const sample of samples) {
      const form = receiver.forms.find((f) => f.path === sample.form);
      const res = await fetch(`${handle.url}${sample.form}`, {
        method: 'POST',
        redirect: 'manual',
        ...request(sample, form?.secret),
      });
      await res.arrayBuffer();
      posts.push({ note: sample.note, path: sample.form, status: res.status });
    }
  } finally {
    await handle.stop();
  }
  logger.info({ receiver: handle.url, posted: posts.length }, 'demo web-form submissions posted');
  return posts;
}

function request(
  sample: Sample,
  secret: string | undefined,
): { headers?: Record<string, string>; body: string | FormData } {
  switch (sample.type) {
    case 'form':
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(sample.fields).toString(),
      };
    case 'multipart': {
      const body = new FormData();
      for (const [k, v] of Object.entries(sample.fields ?? {})) body.append(k, v);
      return { body };
    }
    case 'webhook': {
      // Signed as a Standard Webhooks sender signs: HMAC-SHA256 over id.timestamp.body.
      const body = JSON.stringify(sample.body);
      const id = sample.id ?? 'msg_demo';
      const timestamp = String(Math.floor(Date.now() / 1000));
      const key = secret?.startsWith('whsec_')
        ? Buffer.from(secret.slice(6), 'base64')
        : Buffer.from(secret ?? '');
      const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
      return {
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': timestamp,
          'webhook-signature': `v1,${signature}`,
        },
        body,
      };
    }
  }
}
