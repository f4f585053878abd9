/**
 * crm-etl check receiver: the forms with their paths and presets, whether each secret is set
 * (never its value), whether the port can be bound, and the spool's backlog, as text and --json.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmEtl } from '../support/cli.js';
import { migratedWarehouse } from '../support/engines.js';
import { configDir, startServe } from '../support/receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const API_KEY = 'tilda-key-never-printed';

interface ReceiverCheck {
  source: string;
  ok: boolean;
  port: number;
  portOk: boolean;
  portProblem?: string;
  forms: Array<{ name: string; path: string; preset: string; secret: string; set: boolean | null }>;
  spooled: number;
  spoolWarehouse: string | null;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('crm-etl check receiver', () => {
  let d: ReturnType<typeof configDir>;
  let port: number;
  const env = { LANDING_SECRET: SECRET, TILDA_API_KEY: API_KEY };

  beforeAll(async () => {
    port = await freePort();
    d = configDir(`
receiver:
  port: ${port}
  spool: spool
  forms:
    - { name: site, path: /forms/site, preset: tilda }
    - { name: keyed, path: /forms/keyed, preset: tilda, apiKey: "\${TILDA_API_KEY}" }
    - { name: landing, path: /hooks/landing, preset: standard-webhooks, secret: "\${LANDING_SECRET}" }
    - { name: contact, path: /forms/contact, preset: html }
`);
    // A backlog as a receiver leaves it: two segments for a warehouse.
    const spool = path.join(d.dir, 'spool');
    fs.mkdirSync(spool);
    fs.writeFileSync(path.join(spool, '0000000000000001.json'), '[]');
    fs.writeFileSync(path.join(spool, '0000000000000002.json'), '[]');
    fs.writeFileSync(
      path.join(spool, 'warehouse.json'),
      JSON.stringify({ engine: 'postgres', id: 'x', display: 'postgres://crm:***@db:5432/crm' }),
    );
  });
  afterAll(() => d?.remove());

  it('reports forms, secrets set or not, the port and the backlog (--json)', () => {
    const res = crmEtl(['--config', d.file, 'check', 'receiver', '--json'], { cwd: d.dir, env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toContain(SECRET);
    expect(res.stdout).not.toContain(API_KEY);
    const r = res.json<ReceiverCheck>();
    expect(r).toMatchObject({ source: 'receiver', ok: true, port, portOk: true, spooled: 2 });
    expect(r.spoolWarehouse).toBe('postgres://crm:***@db:5432/crm');
    expect(r.forms.map((f) => [f.name, f.path, f.preset, f.secret, f.set])).toEqual([
      ['site', '/forms/site', 'tilda', 'apiKey', false],
      ['keyed', '/forms/keyed', 'tilda', 'apiKey', true],
      ['landing', '/hooks/landing', 'standard-webhooks', 'secret', true],
      ['contact', '/forms/contact', 'html', 'none', null],
    ]);
  });

  it('says so in text, and fails when the port is taken', async () => {
    const text = crmEtl(['--config', d.file, 'check', 'receiver'], { cwd: d.dir, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('port can be bound');
    expect(text.stdout).toMatch(/\/forms\/keyed\s+tilda\s+→ source keyed\s+\(apiKey set\)/);
    expect(text.stdout).toMatch(/\/forms\/site .*apiKey NOT set/);
    expect(text.stdout).toContain('2 segment(s) waiting for postgres://crm:***@db:5432/crm');

    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
    try {
      const res = crmEtl(['--config', d.file, 'check', 'receiver', '--json'], { cwd: d.dir, env });
      expect(res.code).not.toBe(0);
      const r = res.json<ReceiverCheck>();
      expect(r.portOk).toBe(false);
      expect(r.portProblem).toMatch(/in use/);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it("reports a receiver running on the port by its /healthz, with the spool's depth", async () => {
    const p = await freePort();
    const own = configDir(`
receiver:
  port: ${p}
  spool: spool
  forms:
    - { name: site, path: /forms/site, preset: tilda }
`);
    const db = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
    await db.wh.close();
    const s = await startServe(own.file, db.url, {}, ['serve']);
    try {
      const res = crmEtl(['--config', own.file, 'check', 'receiver', '--json'], { cwd: own.dir });
      expect(res.code, res.stderr).toBe(0);
      expect(res.json<ReceiverCheck & { running?: { status: string } }>()).toMatchObject({
        ok: true,
        portOk: true,
        running: { status: 'ok' },
        spooled: 0,
      });
      const text = crmEtl(['--config', own.file, 'check', 'receiver'], { cwd: own.dir });
      expect(text.stdout).toContain('a receiver is running there: ok');
    } finally {
      await s.stop();
      own.remove();
      await db.drop();
    }
  });
});
