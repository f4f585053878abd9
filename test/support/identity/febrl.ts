import { readFileSync } from 'node:fs';
import { parseDate } from '../../../transforms/normalize/index.js';
import type { ResolveInput } from '../../../transforms/identity/index.js';

/**
 * Reads a Febrl benchmark file (fields separated by ", ") as contacts, following
 * datasets/febrl/febrl-mapping.json: given_name → first_name, surname → last_name,
 * street_number → house, address_1 → street, suburb → city, postcode, state → region,
 * date_of_birth (YYYYMMDD) → birth_date, soc_sec_id → personal_id, rec_id → sourceKey.
 * address_2 is not mapped, as in the import mapping. Impossible dates ("19551192") are dropped the
 * way the importer drops them. Truth: rec-N-org and rec-N-dup-k are the same person N.
 */
export interface FebrlData {
  records: ResolveInput[];
  /** record id -> N of rec-N-… */
  truth: Map<number, number>;
}

export function loadFebrl(path: string, source = 'febrl'): FebrlData {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const header = (lines[0] ?? '').split(', ').map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column ${name}`);
    return i;
  };
  const idx = {
    rec: col('rec_id'),
    given: col('given_name'),
    surname: col('surname'),
    number: col('street_number'),
    address: col('address_1'),
    suburb: col('suburb'),
    postcode: col('postcode'),
    state: col('state'),
    dob: col('date_of_birth'),
    ssid: col('soc_sec_id'),
  };
  const records: ResolveInput[] = [];
  const truth = new Map<number, number>();
  for (let ln = 1; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (line.trim() === '') continue;
    const f = line.split(', ');
    const get = (i: number): string | null => {
      const v = (f[i] ?? '').trim();
      return v === '' ? null : v;
    };
    const rec = get(idx.rec)!;
    const m = /^rec-(\d+)-/.exec(rec);
    if (!m) throw new Error(`${path}:${ln + 1}: unexpected rec_id ${rec}`);
    const dob = get(idx.dob);
    const parsed = dob === null ? null : parseDate(dob, 'YYYYMMDD');
    const id = records.length + 1;
    records.push({
      id,
      source,
      sourceKey: rec,
      first_name: get(idx.given),
      last_name: get(idx.surname),
      house: get(idx.number),
      street: get(idx.address),
      city: get(idx.suburb),
      postcode: get(idx.postcode),
      region: get(idx.state),
      birth_date: parsed?.ok ? parsed.value : null,
      personal_id: get(idx.ssid),
    });
    truth.set(id, Number(m[1]));
  }
  return { records, truth };
}
