/**
 * crm-etl serve over real HTTP on loopback, a child process on a SQLite warehouse: each preset as
 * its sender posts, retries that stay one lead, and every refusal with its status, counted in
 * /metrics, never echoing what was sent.
 */
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { configDir, metric, postForm, startServe, type ServeProcess } from '../support/receiver.js';

const LANDING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TYPEFORM_SECRET = 'tf-secret-for-tests';
const TILDA_KEY = 'tilda-key-1234';

const CONFIG = `
receiver:
  port: 0
  rateLimit: { max: 1000, windowSeconds: 60 }
  forms:
    - { name: site, path: /forms/site, preset: tilda }
    - { name: keyed, path: /forms/keyed, preset: tilda, apiKey: "\${TILDA_API_KEY}" }
    - { name: landing, path: /hooks/landing, preset: standard-webhooks, secret: "\${LANDING_SECRET}" }
    - { name: typeform, path: /hooks/typeform, preset: typeform, secret: "\${TYPEFORM_SECRET}",
        fields: { company_ref: company } }
    - { name: contact, path: /forms/contact, preset: html, redirect: "https://example.ru/thanks",
        allowOrigins: ["https://example.ru"] }
    - { name: api, path: /hooks/api, preset: json,
        fields: { "lead.id": id, "lead.who": full_name, "lead.contact.mail": email, "lead.note": message } }
`;

let dir: ReturnType<typeof configDir>;
let server: ServeProcess;
let wh: Warehouse;
let dbUrl: string;

beforeAll(async () => {
  dir = configDir(CONFIG);
  dbUrl = `sqlite:${dir.dir}/warehouse.db`;
  server = await startServe(dir.file, dbUrl, {
    LANDING_SECRET,
    TYPEFORM_SECRET,
    TILDA_API_KEY: TILDA_KEY,
  });
  wh = await openWarehouse(dbUrl);
});

afterAll(async () => {
  await wh?.close();
  if (server) expect(await server.stop()).toBe(0);
  dir?.remove();
});

async function leads(source: string) {
  return (await wh.knex('stg_interaction').where({ source }).orderBy('occurred_at').select()) as Array<
    Record<string, string | null>
  >;
}

async function contacts(source: string) {
  return (await wh.knex('stg_contact').where({ source }).select()) as Array<Record<string, string | null>>;
}

async function metrics(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('tilda', () => {
  it("answers Tilda's test=test probe with 200 and stages nothing", async () => {
    const res = await postForm(`${server.url}/forms/site`, { test: 'test' });
    expect(res.status).toBe(200);
    expect(await leads('site')).toHaveLength(0);
    expect(metric(await metrics(), 'webform_requests_total{form="site",outcome="probe"}')).toBe(1);
  });

  it('stages a lead with Russian labels and UTM tags; a retry with the same tranid stays one lead', async () => {
    const fields = {
      Name: 'Иванова Мария Сергеевна',
      Телефон: '8 (912) 345-67-89',
      Email: 'Maria@Example.RU',
      Комментарий: 'Перезвоните после обеда\nпро доставку',
      utm_source: 'yandex',
      utm_medium: 'cpc',
      utm_campaign: 'spring',
      tranid: '7012345:1234567',
      formid: 'form123',
    };
    const first = await postForm(`${server.url}/forms/site`, fields);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok');
    for (let i = 0; i < 3; i++) expect((await postForm(`${server.url}/forms/site`, fields)).status).toBe(200);
    const rows = await leads('site');
    expect(rows).toHaveLength(1);
    const lead = rows[0]!;
    expect(lead).toMatchObject({
      source_key: 'tilda:7012345:1234567',
      customer_source_key: 'tilda:7012345:1234567',
      channel: 'web',
      direction: 'inbound',
      form: 'site',
      email: 'maria@example.ru',
      phone: '+79123456789',
      full_name: 'Иванова Мария Сергеевна',
      subject: 'Перезвоните после обеда',
      body: 'Перезвоните после обеда\nпро доставку',
      utm_source: 'yandex',
      utm_medium: 'cpc',
      utm_campaign: 'spring',
    });
    expect(JSON.parse(lead.attributes!)).toEqual({ formid: 'form123' });
    const [person] = await contacts('site');
    expect(person).toMatchObject({
      source_key: 'tilda:7012345:1234567',
      last_name: 'Иванова',
      first_name: 'Мария',
      middle_name: 'Сергеевна',
      phone: '+79123456789',
      email: 'maria@example.ru',
    });
    expect(String(person!.source_created_at)).toContain(String(lead.occurred_at).slice(0, 16));
    const m = await metrics();
    expect(metric(m, 'webform_staged_total{form="site",result="loaded"}')).toBe(1);
    expect(metric(m, 'webform_staged_total{form="site",result="duplicate"}')).toBe(3);
  });

  it('checks the API key when one is configured: 401 without it, the lead with it', async () => {
    const lead = { Name: 'Пётр', Phone: '+7 495 123-45-67', tranid: 'k1' };
    expect((await postForm(`${server.url}/forms/keyed`, lead)).status).toBe(401);
    expect((await postForm(`${server.url}/forms/keyed`, { ...lead, api_key: 'wrong' })).status).toBe(401);
    expect((await postForm(`${server.url}/forms/keyed`, { ...lead, api_key: TILDA_KEY })).status).toBe(200);
    expect((await postForm(`${server.url}/forms/keyed`, lead, { api_key: TILDA_KEY })).status).toBe(200);
    const rows = await leads('keyed');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.attributes).toBeNull(); // the key is not kept
  });
});

describe('html', () => {
  it('takes a urlencoded post, answers 303 to the redirect, and keys a lead without id by its content', async () => {
    const fields = { name: 'Сидоров Алексей', email: 'alex@example.ru', message: 'Нужен счёт' };
    const res = await postForm(`${server.url}/forms/contact`, fields, {
      referer: 'https://example.ru/price?utm_source=vk&utm_campaign=autumn',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://example.ru/thanks');
    // The browser's back-and-resend: same content, no id → the same lead.
    expect((await postForm(`${server.url}/forms/contact`, fields)).status).toBe(303);
    const rows = (await leads('contact')).filter((r) => r.email === 'alex@example.ru');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      page_url: 'https://example.ru/price?utm_source=vk&utm_campaign=autumn',
      utm_source: 'vk',
      utm_campaign: 'autumn',
      full_name: 'Сидоров Алексей',
    });
  });

  it('takes multipart/form-data and drops a honeypot hit without staging it', async () => {
    const body = new FormData();
    body.set('Имя', 'Кузнецова Ольга');
    body.set('Почта', 'olga@example.ru');
    body.set('_gotcha', '');
    const res = await fetch(`${server.url}/forms/contact`, { method: 'POST', body, redirect: 'manual' });
    expect(res.status).toBe(303);
    const bot = await postForm(`${server.url}/forms/contact`, {
      name: 'Buy now',
      email: 'spam@spam.example',
      _gotcha: 'http://spam.example',
    });
    expect(bot.status).toBe(303); // a bot learns nothing
    const rows = await leads('contact');
    expect(rows.map((r) => r.email)).toContain('olga@example.ru');
    expect(rows.map((r) => r.email)).not.toContain('spam@spam.example');
    expect(metric(await metrics(), 'webform_requests_total{form="contact",outcome="spam"}')).toBe(1);
  });

  it('quarantines a submission with nobody to reach, with its reason, and still answers 2xx', async () => {
    const res = await postForm(`${server.url}/forms/contact`, { name: 'Аноним', email: 'not-an-email' });
    expect(res.status).toBe(303);
    const q = (await wh.knex('stg_quarantine').where({ source: 'contact' }).select()) as Array<
      Record<string, string>
    >;
    expect(q).toHaveLength(1);
    expect(q[0]!.reason).toMatch(/no e-mail or phone/);
    expect(q[0]!.reason).toMatch(/email/);
  });

  it('sends CORS headers only to allowed origins', async () => {
    const ok = await fetch(`${server.url}/forms/contact`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.ru', 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://example.ru');
    const other = await fetch(`${server.url}/forms/contact`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const site = await fetch(`${server.url}/forms/site`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.ru' },
    });
    expect(site.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('standard-webhooks', () => {
  const hook = new Webhook(LANDING_SECRET);
  const post = (id: string, body: string, at = new Date(), signature?: string) =>
    fetch(`${server.url}/hooks/landing`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature ?? hook.sign(id, at, body),
      },
      body,
    });

  it('verifies the signature (signed by the standardwebhooks package), stages data, keys by webhook-id', async () => {
    const body = JSON.stringify({
      type: 'lead.created',
      data: {
        name: 'Smith John',
        email: 'john@example.com',
        phone: '+44 20 7946 0958',
        utm_source: 'google',
      },
    });
    const sent = new Date(Date.now() - 60_000);
    expect((await post('msg_1', body, sent)).status).toBe(200);
    // The sender's retry: same id, a later timestamp, signed again.
    expect((await post('msg_1', body)).status).toBe(200);
    const rows = await leads('landing');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      source_key: 'wh:msg_1',
      email: 'john@example.com',
      phone: '+442079460958',
      utm_source: 'google',
    });
    // The first attempt's time is the lead's.
    expect(new Date(String(rows[0]!.occurred_at)).getTime()).toBe(Math.floor(sent.getTime() / 1000) * 1000);
  });

  it('refuses a wrong signature, a changed body, and a stale or future timestamp with 401', async () => {
    const body = JSON.stringify({ data: { email: 'eve@example.com' } });
    const signed = hook.sign('msg_2', new Date(), body);
    expect((await post('msg_2', body.replace('eve', 'mallory'), new Date(), signed)).status).toBe(401);
    expect((await post('msg_2', body, new Date(), 'v1,' + Buffer.alloc(32).toString('base64'))).status).toBe(
      401,
    );
    expect((await post('msg_2', body, new Date(Date.now() - 6 * 60_000))).status).toBe(401);
    expect((await post('msg_2', body, new Date(Date.now() + 6 * 60_000))).status).toBe(401);
    const res = await fetch(`${server.url}/hooks/landing`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('eve');
    expect((await leads('landing')).map((r) => r.email)).not.toContain('eve@example.com');
  });
});

describe('typeform', () => {
  const payload = (eventId: string) =>
    JSON.stringify({
      event_id: eventId,
      event_type: 'form_response',
      form_response: {
        form_id: 'abc',
        token: 'tok',
        submitted_at: '2026-03-01T10:00:00Z',
        hidden: { utm_source: 'telegram' },
        definition: {
          fields: [
            { id: 'f1', ref: 'name_ref', title: 'Ваше имя', type: 'short_text' },
            { id: 'f2', ref: 'mail_ref', title: 'Куда написать?', type: 'email' },
            { id: 'f3', ref: 'company_ref', title: 'Где вы работаете?', type: 'short_text' },
          ],
        },
        answers: [
          { type: 'text', text: 'Смирнов Олег', field: { id: 'f1', type: 'short_text', ref: 'name_ref' } },
          { type: 'email', email: 'oleg@example.ru', field: { id: 'f2', type: 'email', ref: 'mail_ref' } },
          { type: 'text', text: 'ООО Ромашка', field: { id: 'f3', type: 'short_text', ref: 'company_ref' } },
        ],
      },
    });
  const sign = (body: string, secret = TYPEFORM_SECRET) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;

  it('verifies Typeform-Signature and stages the answers by type, title and ref', async () => {
    const body = payload('ev_1');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/hooks/typeform`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'typeform-signature': sign(body) },
        body,
      });
      expect(res.status).toBe(200);
    }
    const rows = await leads('typeform');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      source_key: 'tf:ev_1',
      full_name: 'Смирнов Олег',
      email: 'oleg@example.ru',
      utm_source: 'telegram',
    });
    expect(new Date(String(rows[0]!.occurred_at)).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect((await contacts('typeform'))[0]!.company).toMatch(/Ромашка/);
  });

  it('refuses a signature made with another secret', async () => {
    const body = payload('ev_2');
    const res = await fetch(`${server.url}/hooks/typeform`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'typeform-signature': sign(body, 'other') },
      body,
    });
    expect(res.status).toBe(401);
  });
});

describe('json', () => {
  it('maps nested fields with fields:, keyed by the mapped id', async () => {
    const body = JSON.stringify({
      lead: { id: 'L-77', who: 'Orlova Anna', contact: { mail: 'anna@example.ru' }, note: 'Hi' },
    });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/hooks/api`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
    }
    const rows = await leads('api');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source_key: 'id:L-77', email: 'anna@example.ru', body: 'Hi' });
  });
});

describe('refusals', () => {
  it('404 for unknown paths and methods, without listing the forms', async () => {
    for (const res of [
      await fetch(`${server.url}/`),
      await fetch(`${server.url}/forms/nope`, { method: 'POST', body: 'a=1' }),
      await fetch(`${server.url}/forms/site`), // GET on a form
    ]) {
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(text).not.toMatch(/forms\/site|contact|landing/);
    }
  });

  it('413 over the body limit, 415 for a media type the preset does not take, 400 for broken JSON', async () => {
    const big = await postForm(`${server.url}/forms/site`, { Name: 'x'.repeat(70 * 1024), tranid: 'big' });
    expect(big.status).toBe(413);
    const bigMultipart = new FormData();
    bigMultipart.set('name', 'я'.repeat(40 * 1024));
    expect((await fetch(`${server.url}/forms/contact`, { method: 'POST', body: bigMultipart })).status).toBe(
      413,
    );
    const xml = await fetch(`${server.url}/forms/site`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<lead/>',
    });
    expect(xml.status).toBe(415);
    const jsonToHtml = await fetch(`${server.url}/forms/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"a@b.ru"}',
    });
    expect(jsonToHtml.status).toBe(415);
    const broken = await fetch(`${server.url}/hooks/api`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": <script>',
    });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).not.toContain('script');
    expect(text).not.toMatch(/at .*\.js/); // no stack
    expect(await leads('site')).not.toContainEqual(expect.objectContaining({ source_key: 'tilda:big' }));
  });

  it('counts each refusal by status in /metrics', async () => {
    const m = await metrics();
    expect(metric(m, 'webform_refused_total{form="",status="404"}')).toBeGreaterThanOrEqual(3);
    expect(metric(m, 'webform_refused_total{form="site",status="413"}')).toBe(1);
    expect(metric(m, 'webform_refused_total{form="contact",status="413"}')).toBe(1);
    expect(metric(m, 'webform_refused_total{form="site",status="415"}')).toBe(1);
    expect(metric(m, 'webform_refused_total{form="contact",status="415"}')).toBe(1);
    expect(metric(m, 'webform_refused_total{form="landing",status="401"}')).toBe(5);
    expect(metric(m, 'webform_refused_total{form="keyed",status="401"}')).toBe(2);
  });

  it('logs no submitted value', () => {
    const logs = server.logs();
    for (const pii of [
      'maria@example.ru',
      'Иванова',
      '+79123456789',
      '912',
      'olga@example.ru',
      'spam.example',
      'Перезвоните',
    ])
      expect(logs).not.toContain(pii);
  });
});

describe('rate limit', () => {
  it('answers 429 past the per-client limit and counts it', async () => {
    const d = configDir(`
receiver:
  port: 0
  rateLimit: { max: 3, windowSeconds: 60 }
  forms: [{ name: site, path: /forms/site, preset: tilda }]
`);
    const s = await startServe(d.file, `sqlite:${d.dir}/w.db`);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await postForm(`${s.url}/forms/site`, { test: 'test' })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const m = await (await fetch(`${s.url}/metrics`)).text();
      expect(metric(m, 'webform_refused_total{form="site",status="429"}')).toBe(2);
    } finally {
      expect(await s.stop()).toBe(0);
      d.remove();
    }
  });
});
