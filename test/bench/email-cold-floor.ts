import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import PostalMime, { type Address, type Email } from 'postal-mime';

/**
 * The incremental run's floor, run by the e-mail bench as a process of its own: a fresh Node
 * process that loads imapflow and postal-mime, logs in, fetches the letters from a UID on and
 * parses each — what the two libraries cost, cold, for the same new mail — and, given a SQLite
 * file, writes what an incremental sync must write of them with the engine's driver directly
 * (better-sqlite3, as the bench's warehouse is SQLite): one row per letter and one per sender,
 * by two prepared statements in one transaction, in WAL mode with synchronous=NORMAL as the
 * warehouse's connections are. An incremental sync cannot cost less than this. Prints the
 * number of letters read.
 *
 * Arguments: port user password firstUid [sqliteFile] (IMAP over plain text on 127.0.0.1: the
 * bench's own throwaway server; the file is created, and should not exist yet).
 */
const [port, user, pass, firstUid, file] = process.argv.slice(2);
const write = file ? writer(file) : null;
const client = new ImapFlow({
  host: '127.0.0.1',
  port: Number(port),
  secure: false,
  auth: { user: user!, pass: pass! },
  logger: false,
});
await client.connect();
await client.mailboxOpen('INBOX', { readOnly: true });
let n = 0;
for await (const m of client.fetch(`${firstUid}:*`, { uid: true, source: true }, { uid: true })) {
  if (m.uid < Number(firstUid)) continue; // `N:*` also names the last message when N is past it
  if (m.source) {
    const mail = await PostalMime.parse(m.source, { attachmentEncoding: 'arraybuffer' });
    if (write) write(mail);
  }
  n++;
}
await client.logout();
write?.(null);
console.log(n);

/** Writes each letter as it comes, in one transaction committed when given null. */
function writer(path: string): (mail: Email | null) => void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE letter (message_id TEXT PRIMARY KEY, occurred_at TEXT, subject TEXT,
             mail_from TEXT, mail_to TEXT, mail_cc TEXT, thread_key TEXT);
           CREATE TABLE sender (email TEXT PRIMARY KEY, full_name TEXT)`);
  const letter = db.prepare('INSERT OR REPLACE INTO letter VALUES (?, ?, ?, ?, ?, ?, ?)');
  const sender = db.prepare('INSERT OR REPLACE INTO sender VALUES (?, ?)');
  const list = (a: Address[] | undefined) => a?.map((x) => x.address ?? '').join(', ') ?? null;
  db.exec('BEGIN');
  return (m) => {
    if (m === null) {
      db.exec('COMMIT');
      db.close();
      return;
    }
    letter.run(
      m.messageId ?? null,
      m.date ?? null,
      m.subject ?? null,
      m.from?.address ?? null,
      list(m.to),
      list(m.cc),
      m.inReplyTo ?? m.messageId ?? null,
    );
    if (m.from?.address) sender.run(m.from.address, m.from.name || null);
  };
}
