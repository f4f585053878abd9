import type { Warehouse } from './connection.js';

export interface CustomerHit {
  customer_id: number;
  full_name: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  /** The source records resolved into this customer: 'source:key'. */
  records: string[];
}

/**
 * Customers whose name, company, e-mail or phone contains `search` (case-insensitive; a phone is
 * matched on its digits, so "+7 (900) 123" finds +7900123…), with the source ids behind each.
 */
export async function searchCustomers(wh: Warehouse, search: string, limit = 20): Promise<CustomerHit[]> {
  const text = `%${search.trim().toLowerCase()}%`;
  const digits = search.replace(/\D/g, '');
  const { knex } = wh;
  const q = knex('dim_customer')
    .select('customer_id', 'full_name', 'company', 'email', 'phone', 'city')
    .where((w) => {
      // SQLite folds ASCII case only: the text as typed also matches ("Петров" in "Петрова").
      for (const c of ['full_name', 'company', 'email', 'last_name', 'first_name']) {
        w.orWhereRaw(`LOWER(${c}) LIKE ?`, [text]);
        w.orWhere(c, 'like', `%${search.trim()}%`);
      }
      if (digits.length >= 3) w.orWhere('phone', 'like', `%${digits}%`);
      if (/^\d+$/.test(search.trim())) w.orWhere('customer_id', Number(search.trim()));
    })
    .orderBy('customer_id')
    .limit(limit);
  const rows = (await q) as Array<Record<string, unknown>>;
  const ids = rows.map((r) => Number(r.customer_id));
  const links = ids.length
    ? ((await knex('customer_crosswalk')
        .whereIn('customer_id', ids)
        .select('customer_id', 'source', 'source_key')
        .orderBy(['source', 'source_key'])) as Array<Record<string, unknown>>)
    : [];
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    customer_id: Number(r.customer_id),
    full_name: s(r.full_name),
    company: s(r.company),
    email: s(r.email),
    phone: s(r.phone),
    city: s(r.city),
    records: links
      .filter((l) => Number(l.customer_id) === Number(r.customer_id))
      .map((l) => `${String(l.source)}:${String(l.source_key)}`),
  }));
}
