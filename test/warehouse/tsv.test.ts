import { describe, expect, it } from 'vitest';
import { lineEncoder, tsvStream } from '../../warehouse/engines/tsv.js';

async function text(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

describe('tsvStream', () => {
  const line = lineEncoder(['key', 'name', 'note']);

  it('streams every row once, in order, in however many pieces', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      key: `k${i}`,
      name: i === 1_234 ? 'Щ'.repeat(100_000) : `Иванов\tИван ${i}`,
      note: i % 7 === 0 ? null : 'строка\nвторая\\',
    }));
    const lines = (await text(tsvStream(rows, line))).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(5_000);
    expect(lines.join('\n') + '\n').toBe(rows.map(line).join(''));
    expect(lines[7]).toBe('k7\tИванов\\tИван 7\t\\N');
    expect(lines[8]).toBe('k8\tИванов\\tИван 8\tстрока\\nвторая\\\\');
  });

  it('pushes pieces of about CHUNK_CHARS, not whole batches', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ key: `k${i}`, name: 'Иванов Иван', note: null }));
    const stream = tsvStream(rows, line);
    const pieces: number[] = [];
    const push = stream.push.bind(stream);
    stream.push = (chunk: unknown) => {
      if (typeof chunk === 'string') pieces.push(chunk.length);
      return push(chunk);
    };
    await text(stream);
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces)).toBeLessThan(25 * 1024);
  });

  it('ends at once for no rows', async () => {
    expect(await text(tsvStream([], line))).toBe('');
  });
});
