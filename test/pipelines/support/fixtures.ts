import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom as seeded } from '../../../lib/random.js';

/** A temp folder removed by the returned function. */
export function tempDir(prefix = 'crm-etl-pipelines-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic pseudo-random generator: same seed, same data, same kill points. */
export { seeded };

const FIRST = ['Ivan', 'Anna', 'Petr', 'Olga', 'Sergey', 'Maria', 'Dmitry', 'Elena', 'Pavel', 'Irina'];
const LAST = ['Petrov', 'Ivanova', 'Smirnov', 'Kuznetsova', 'Popov', 'Sokolova', 'Lebedev', 'Kozlova'];
const CITY = ['Moskva', 'Kazan', 'Omsk', 'Tomsk', 'Samara'];

/**
 * A contact CSV the spreadsheet connector reads without a mapping: a key column, names, e-mail
 * and city. Every 500th row lacks its name and e-mail, so quarantine is exercised too.
 */
export function writeContactsCsv(file: string, rows: number, seed = 1): void {
  const rand = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const lines = ['Client ID,First Name,Last Name,Email,City'];
  for (let i = 1; i <= rows; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    lines.push(
      i % 500 === 0
        ? `C${i},,,,${pick(CITY)}`
        : `C${i},${first},${last},${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com,${pick(CITY)}`,
    );
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Writes a YAML config (JSON is YAML) and returns its path. */
export function writeConfig(dir: string, config: unknown, name = 'crm-etl.config.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
