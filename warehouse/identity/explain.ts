import type { Warehouse } from '../connection.js';
import type { SharedIdentifier } from '../../transforms/identity/index.js';
import { listOverrides, type StoredOverride } from './overrides.js';

export interface CustomerExplanation {
  customer: Record<string, unknown>;
  records: Array<{
    source: string;
    source_key: string;
    table: 'stg_contact' | 'stg_order';
    fields: Record<string, unknown>;
    match_rule: string;
    match_score: number | null;
    matched_with: string | null;
    weight: number | null;
    comparisons: Array<{ field: string; level: string; weight: number }>;
    /**
     * Linked on names alone: score and weight are the whole name's evidence capped by the run's
     * namesake ceiling, not the sum of the comparisons' weights.
     */
    namesOnly: boolean;
    /** Its e-mail, phone or tax id refused as an identifier: several people hold it. */
    sharedIdentifiers: SharedIdentifier[];
  }>;
  merges: Array<Record<string, unknown>>;
  /** Overrides in force on any of its records: the operator's word that shaped this customer. */
  overrides: Array<StoredOverride & { otherCustomerId: number | null }>;
}

/** A customer's golden record, its source records and, for each link, the deciding rule and weights. */
export async function explainCustomer(
  wh: Warehouse,
  customerId: number,
): Promise<CustomerExplanation | null> {
  const customer = (await wh.knex('dim_customer').where({ customer_id: customerId }).first()) as
    Record<string, unknown> | undefined;
  if (!customer) return null;
  const links = (await wh
    .knex('customer_crosswalk as x')
    .leftJoin('stg_contact as c', function () {
      this.on('c.source', '=', 'x.source').andOn('c.source_key', '=', 'x.source_key');
    })
    .where('x.customer_id', customerId)
    .select(
      'x.source',
      'x.source_key',
      'x.match_rule',
      'x.match_score',
      'x.matched_source',
      'x.matched_source_key',
      'x.match_detail',
      'c.full_name',
      'c.email',
      'c.phone',
      'c.company',
      'c.tax_id',
      'c.birth_date',
      'c.city',
      'c.file',
      'c.line',
      wh.knex.raw('CASE WHEN c.source IS NULL THEN 0 ELSE 1 END AS staged'),
    )
    .orderBy(['x.source', 'x.source_key'])) as Array<Record<string, unknown>>;
  const merges = (await wh
    .knex('customer_merge')
    .where('surviving_id', customerId)
    .orWhere('absorbed_id', customerId)
    .orderBy('merge_id')) as Array<Record<string, unknown>>;
  // Overrides are few (typed by people), so they are read whole and matched here.
  const mine = new Set(links.map((l) => `${String(l.source)}\u0000${String(l.source_key)}`));
  const isMine = (r: { source: string; sourceKey: string }) => mine.has(`${r.source}\u0000${r.sourceKey}`);
  const overrides: CustomerExplanation['overrides'] = [];
  for (const o of await listOverrides(wh)) {
    if (!isMine(o.a) && !isMine(o.b)) continue;
    const other = isMine(o.a) ? o.b : o.a;
    const row = isMine(other)
      ? { customer_id: customerId }
      : ((await wh
          .knex('customer_crosswalk')
          .where({ source: other.source, source_key: other.sourceKey })
          .first('customer_id')) as { customer_id: unknown } | undefined);
    overrides.push({ ...o, otherCustomerId: row ? Number(row.customer_id) : null });
  }
  return {
    customer,
    overrides,
    records: links.map((l) => {
      const detail = (l.match_detail == null ? null : wh.adapter.parseJson(l.match_detail)) as {
        weight: number | null;
        comparisons: Array<{ field: string; level: string; weight: number }>;
        shared?: SharedIdentifier[];
        namesOnly?: boolean;
      } | null;
      const fields: Record<string, unknown> = {};
      for (const f of [
        'full_name',
        'email',
        'phone',
        'company',
        'tax_id',
        'birth_date',
        'city',
        'file',
        'line',
      ]) {
        if (l[f] !== null && l[f] !== undefined) fields[f] = l[f];
      }
      return {
        source: String(l.source),
        source_key: String(l.source_key),
        table: Number(l.staged) === 1 ? 'stg_contact' : 'stg_order',
        fields,
        match_rule: String(l.match_rule),
        match_score: l.match_score === null ? null : Number(l.match_score),
        matched_with: l.matched_source ? `${String(l.matched_source)}:${String(l.matched_source_key)}` : null,
        weight: detail?.weight ?? null,
        comparisons: detail?.comparisons ?? [],
        namesOnly: detail?.namesOnly === true,
        sharedIdentifiers: detail?.shared ?? [],
      };
    }),
    merges,
  };
}
