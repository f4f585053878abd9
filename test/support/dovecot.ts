/**
 * A real IMAP server for tests and benches: Debian's dovecot-imapd started as a child process
 * with a throwaway config and mail store in a temp folder, listening on a free loopback port,
 * plain-text login allowed there, users in a passwd-file. No system service, no root-only paths.
 *
 * Dovecot refuses to run its login processes or keep mail as root: run as root (CI), it runs
 * them as `nobody` and the store belongs to nobody; run as anyone else, as that user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

export const DOVECOT = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';

export interface Dovecot {
  host: string;
  port: number;
  /** The folder that holds everything: config, logs, the mail store. */
  dir: string;
  /** A user's Maildir (INBOX at its top, other folders as `.Name`). */
  maildir(user: string): string;
  /** A logged-in client: the test's own hands on the mailbox (APPEND, delete, create). */
  client(user: string, password?: string): Promise<ImapFlow>;
  /** Delivers raw messages into a user's folder by IMAP APPEND; returns their UIDs. */
  append(user: string, folder: string, messages: Buffer[]): Promise<number[]>;
  /** Hands files written straight into the store to the mail user (root runs only). */
  ownStore(): void;
  stop(): Promise<void>;
}

export const PASSWORD = 'secret-pass';

export function dovecotAvailable(): boolean {
  return fs.existsSync(DOVECOT);
}

export async function startDovecot(users: string[] = ['sales@ours.ru']): Promise<Dovecot> {
  if (!dovecotAvailable())
    throw new Error(`${DOVECOT} not found: install Debian's dovecot-imapd (.ci/run does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-dovecot-'));
  // The login and auth processes run as the unprivileged user and must reach the run folder.
  fs.chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const me = os.userInfo();
  const mailUid = root ? 65_534 : me.uid;
  const mailGid = root ? 65_534 : me.gid;
  const runUser = root ? 'nobody' : me.username;
  const runGroup = root ? groupName(65_534) : groupName(me.gid);
  for (const sub of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, sub));
  if (root) fs.chownSync(path.join(dir, 'mail'), mailUid, mailGid);
  fs.writeFileSync(path.join(dir, 'passwd'), users.map((u) => `${u}:{PLAIN}${PASSWORD}::::::\n`).join(''), {
    mode: 0o644,
  });
  const port = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${runUser}
default_internal_group = ${runGroup}
default_login_user = ${runUser}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
# Only this server writes the store (the bench's files are written before its first look), so it
# need not rescan a folder's cur/ on every command: without this, each APPEND and the next SELECT
# or STATUS of a 20,000-letter folder read the whole directory again (seconds each).
maildir_very_dirty_syncs = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, () => `${stderr}${readLog(dir)}`);
  } catch (err) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const maildir = (user: string) => path.join(dir, 'mail', user);
  const client = async (user: string, password = PASSWORD) => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  return {
    host: '127.0.0.1',
    port,
    dir,
    maildir,
    client,
    async append(user, folder, messages) {
      const c = await client(user);
      try {
        const uids: number[] = [];
        for (const m of messages) {
          const res = await c.append(folder, m);
          if (res && typeof res === 'object' && res.uid) uids.push(res.uid);
        }
        return uids;
      } finally {
        await c.logout();
      }
    },
    ownStore() {
      if (!root) return;
      const walk = (p: string) => {
        fs.chownSync(p, mailUid, mailGid);
        if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
      };
      walk(path.join(dir, 'mail'));
    },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function groupName(gid: number): string {
  const line = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8').split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, why: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dovecot exited at start: ${why()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on 127.0.0.1:${port} within 15 s: ${why()}`);
}
