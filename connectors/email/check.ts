/** `crm-etl check <mail source>`: logs in and lists the folders with their message counts. */
import type { CheckResult, ConnectorContext } from '../contract.js';
import type { EmailSourceConfig, ImapConfig } from './config.js';
import { foldersToRead, listFolders, openImap } from './imap-reader.js';

export async function checkImap(
  src: EmailSourceConfig,
  imap: ImapConfig,
  ctx: ConnectorContext,
): Promise<CheckResult> {
  const client = await openImap(imap, src.name, ctx.logger);
  try {
    const folders = await listFolders(client, true);
    const reads = await foldersToRead(client, src.folders);
    const missing = reads.filter((r) => !folders.some((f) => f.path === r));
    const ok = missing.length === 0;
    const json = {
      source: src.name,
      connector: 'email',
      ok,
      server: `${imap.host}:${imap.port}`,
      user: imap.user,
      folders: folders.map((f) => ({ ...f, read: reads.includes(f.path) })),
      ...(missing.length ? { missing } : {}),
    };
    const width = Math.max(...folders.map((f) => f.path.length), 6);
    const text = [
      `Source '${src.name}' (email): ${ok ? 'OK' : 'FAILED'}, logged in to ${imap.host}:${imap.port} as ${imap.user}`,
      ...folders.map(
        (f) =>
          `  ${reads.includes(f.path) ? '*' : ' '} ${f.path.padEnd(width)}  ${f.messages ?? '?'} message(s)${f.specialUse ? `  ${f.specialUse}` : ''}`,
      ),
      '  (* read by this source)',
      ...missing.map((m) => `  folder ${m} is in the config but not on the server`),
    ].join('\n');
    return { ok, json, text };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
