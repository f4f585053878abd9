import { ImapFlow } from 'imapflow';
import PostalMime from 'postal-mime';

/**
 * The incremental run's floor, run by the e-mail bench as a process of its own: a fresh Node
 * process that loads imapflow and postal-mime, logs in, fetches the letters from a UID on and
 * parses each — what the two libraries cost, cold, for the same new mail, before anything of
 * ours. An incremental sync cannot cost less than this. Prints the number of letters read.
 *
 * Arguments: port user password firstUid (IMAP over plain text on 127.0.0.1: the bench's own
 * throwaway server).
 */
const [port, user, pass, firstUid] = process.argv.slice(2);
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
  if (m.source) await PostalMime.parse(m.source, { attachmentEncoding: 'arraybuffer' });
  n++;
}
await client.logout();
console.log(n);
