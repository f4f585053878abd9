import type { Warehouse } from '../../warehouse/connection.js';
import type { ScoreboardConfigInput } from '../../warehouse/marts/index.js';
import { pick, seededRandom } from '../bench/random.js';

/**
 * A seeded, plausible company for the report: 18 months of customers arriving through four
 * channels, buying again with a decaying probability, some cancellations and returns, monthly
 * marketing spend, leads that never buy, duplicates, and first contacts answered within hours.
 */
export const DEMO_AS_OF = '2026-06-30';

export const DEMO_SCOREBOARD: ScoreboardConfigInput = {
  period: 'month',
  indicators: [
    { indicator: 'returning_customer_ratio', horizon: 'long', target: 0.5, due: '2026-12-31' },
    { indicator: 'retention_rate', horizon: 'long', target: 0.3, due: '2026-12-31' },
    { indicator: 'churn_rate', horizon: 'long', target: 0.7, due: '2026-12-31' },
    { indicator: 'clv_avg', horizon: 'long', target: 40000, due: '2026-12-31' },
    { indicator: 'cac', horizon: 'long', target: 2500, due: '2026-12-31' },
    { indicator: 'program_roi', horizon: 'long', target: 0.5, due: '2026-12-31' },
    { indicator: 'duplicate_rate', horizon: 'short', target: 0.05, due: '2026-09-30', baseline: 0.15 },
    { indicator: 'completeness', horizon: 'short', target: 0.9, due: '2026-09-30' },
    { indicator: 'lead_response_hours', horizon: 'short', target: 12, due: '2026-09-30' },
    { indicator: 'new_customers', horizon: 'short', target: 40, due: '2026-06-30' },
  ],
  programCosts: [
    { period: '2025-Q3', category: 'consulting', amount: 150000 },
    { period: '2025-Q3', category: 'software', amount: 120000 },
    { period: '2025-Q4', category: 'training', amount: 60000 },
    { period: '2026-Q1', category: 'staff', amount: 90000 },
    { period: '2026-Q2', category: 'hardware', amount: 30000 },
  ],
};

const CHANNELS = ['web', 'fair', 'referral', 'ads'];
const REGIONS = ['Moscow', 'St Petersburg', 'Kazan', 'Novosibirsk'];
const OWNERS = ['Petrova A.', 'Grigoriev K.', 'Yusupova D.'];
const MONTHS = 18; // 2025-01 … 2026-06

const day = (month: number, d: number) => {
  const date = new Date(Date.UTC(2025, month, Math.min(28, Math.max(1, d))));
  return date.toISOString().slice(0, 10);
};

async function insert(wh: Warehouse, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 150) await wh.knex(table).insert(rows.slice(i, i + 150));
}

export async function seedDemoCompany(wh: Warehouse, customers = 420): Promise<void> {
  const rand = seededRandom(7);
  const at = (iso: string) => wh.adapter.timestamp(new Date(iso));
  const dim: Array<Record<string, unknown>> = [];
  const xwalk: Array<Record<string, unknown>> = [];
  const orders: Array<Record<string, unknown>> = [];
  const talks: Array<Record<string, unknown>> = [];
  for (let id = 1; id <= customers; id++) {
    // More customers arrive as the program gets going; a fifth are leads who never buy.
    const start = Math.min(MONTHS - 1, Math.floor(Math.sqrt(rand()) * MONTHS));
    const buyer = rand() < 0.8;
    const channel = pick(rand, CHANNELS);
    const firstDay = 1 + Math.floor(rand() * 27);
    const seen = `${day(start, firstDay - 2)}T09:00:00Z`;
    dim.push({
      customer_id: id,
      full_name: `Customer ${id}`,
      email: rand() < 0.85 ? `c${id}@example.ru` : null,
      phone: rand() < 0.7 ? `+7900${String(id).padStart(7, '0')}` : null,
      region: rand() < 0.9 ? pick(rand, REGIONS) : null,
      owner: pick(rand, OWNERS),
      first_seen: at(seen),
      last_seen: at(seen),
      record_count: 1,
    });
    xwalk.push({
      source: 'crm',
      source_key: `K${id}`,
      customer_id: id,
      match_rule: 'none',
      match_score: 1,
      linked_at: at(seen),
    });
    if (rand() < 0.12)
      xwalk.push({
        source: 'web',
        source_key: `W${id}`,
        customer_id: id,
        match_rule: 'email',
        match_score: 1,
        linked_at: at(seen),
      });
    if (rand() < 0.75) {
      const inbound = new Date(seen);
      const answer = new Date(inbound.getTime() + (1 + rand() * rand() * 60) * 3_600_000);
      talks.push({
        source: 'crm',
        source_key: `t${id}a`,
        customer_source_key: `K${id}`,
        direction: 'inbound',
        occurred_at: at(inbound.toISOString()),
        channel: 'email',
      });
      talks.push({
        source: 'crm',
        source_key: `t${id}b`,
        customer_source_key: `K${id}`,
        direction: 'outbound',
        occurred_at: at(answer.toISOString()),
        channel: 'phone',
      });
    }
    if (!buyer) continue;
    const loyalty = 0.15 + rand() * 0.45;
    let alive = true;
    for (let m = start; m < MONTHS && alive; m++) {
      if (m > start && rand() > loyalty) {
        alive = rand() > 0.12;
        continue;
      }
      const amount = Math.round((2000 + rand() * rand() * 30000) * (channel === 'referral' ? 1.4 : 1));
      const status = rand() < 0.05 ? 'Отменён' : rand() < 0.03 ? 'Возврат' : 'Выполнен';
      orders.push({
        source: 'crm',
        source_key: `o${id}-${m}`,
        customer_source_key: `K${id}`,
        order_date: day(m, m === start ? firstDay : 1 + Math.floor(rand() * 27)),
        amount,
        cost: Math.round(amount * (0.55 + rand() * 0.2)),
        channel,
        status,
        currency: 'RUB',
      });
    }
  }
  const spend: Array<Record<string, unknown>> = [];
  for (let m = 0; m < MONTHS; m++) {
    for (const ch of ['web', 'fair', 'ads']) {
      spend.push({
        source: 'marketing',
        source_key: `${ch}-${m}`,
        channel: ch,
        period_start: day(m, 1),
        amount: 15000 + Math.round(rand() * 25000),
      });
    }
  }
  await insert(wh, 'dim_customer', dim);
  await insert(wh, 'customer_crosswalk', xwalk);
  // Each record as its source holds it, with the day it was created there (the form's date).
  await insert(
    wh,
    'stg_contact',
    xwalk.map((x) => ({
      source: x.source,
      source_key: x.source_key,
      full_name: `Customer ${String(x.customer_id)}`,
      source_created_at: x.linked_at,
    })),
  );
  await insert(wh, 'stg_order', orders);
  await insert(wh, 'stg_interaction', talks);
  await insert(wh, 'stg_spend', spend);
}
