import type { ScoreboardConfigInput } from '../../warehouse/marts/index.js';

/**
 * A small company, small enough to compute every mart by hand (the expected rows in the
 * facts, marts and scoreboard tests are worked out there). As of 2024-06-30, monthly scoreboard.
 *
 * Customers 1–4 come from identity resolution (source 'crm'; C1 and C1b are one person).
 * The shop's order book knows S9 only by its key, and a walk-in buyer only by name: they become
 * customers 5 and 6 ('order-only'). Order o6 has no key but Boris's email: linked to 2.
 */
export const AS_OF = '2024-06-30';

export const SCOREBOARD: ScoreboardConfigInput = {
  period: 'month',
  indicators: [
    { indicator: 'returning_customer_ratio', horizon: 'long', target: 0.4, due: '2024-12-31' },
    { indicator: 'duplicate_rate', horizon: 'short', target: 0.1, due: '2024-09-30', baseline: 0.5 },
    { indicator: 'cac', horizon: 'long', target: 40, due: '2024-12-31' },
  ],
  programCosts: [
    { period: '2024-Q1', category: 'software', amount: 300 },
    { period: '2024-04', category: 'training', amount: 100 },
  ],
};

export const customers = [
  {
    customer_id: 1,
    full_name: 'Anna Ivanova',
    email: 'anna@example.com',
    phone: '+79000000001',
    region: 'North',
    city: 'Murmansk',
    owner: 'Ivanova',
    seen: '2024-01-05T10:00:00Z',
  },
  {
    customer_id: 2,
    full_name: 'Boris Petrov',
    email: 'boris@example.com',
    phone: '+79000000002',
    region: null,
    city: 'Kazan',
    owner: 'Petrov',
    seen: '2024-01-15T10:00:00Z',
  },
  {
    customer_id: 3,
    full_name: 'Clara Sidorova',
    email: 'clara@example.com',
    phone: null,
    region: 'North',
    city: null,
    owner: 'Ivanova',
    seen: '2024-03-01T10:00:00Z',
  },
  {
    customer_id: 4,
    full_name: 'Dmitry Lead',
    email: null,
    phone: '+79000000004',
    region: null,
    city: null,
    owner: null,
    seen: '2024-05-02T08:00:00Z',
  },
];

export const crosswalk: Array<[string, number]> = [
  ['C1', 1],
  ['C1b', 1],
  ['C2', 2],
  ['C3', 3],
  ['C4', 4],
];

type Order = [
  source: string,
  key: string,
  customerKey: string | null,
  date: string,
  amount: number,
  cost: number | null,
  channel: string | null,
  status: string | null,
  extra?: Record<string, string>,
];

export const ORDERS: Order[] = [
  ['crm', 'o1', 'C1', '2024-01-10', 100, 60, 'web', 'done'],
  ['crm', 'o2', 'C1', '2024-02-15', 50.05, 30, 'web', 'done'],
  ['crm', 'o3', 'C1', '2024-02-15', 20, null, 'web', 'done'],
  ['crm', 'o4', 'C1', '2024-04-01', 30, 10, 'web', 'Cancelled'],
  ['crm', 'o5', 'C2', '2024-01-20', 200, 150, 'fair', 'done'],
  ['crm', 'o6', null, '2024-03-05', 10.01, 5, 'fair', 'done', { email: 'boris@example.com' }],
  ['crm', 'o7', 'C3', '2024-03-10', 80, 40, 'web', 'done'],
  ['crm', 'o8', 'C3', '2024-03-12', -80, null, 'web', 'done'],
  ['crm', 'o9', 'C3', '2024-06-15', 15, 5, 'web', 'ОТМЕНЕН'],
  ['shop', 's1', 'S9', '2024-01-25', 45.5, 20, 'web', 'paid', { full_name: 'Eva Shop', owner: 'Petrov' }],
  ['shop', 's2', 'S9', '2024-05-20', 12.25, 6, 'web', 'Возврат', { full_name: 'Eva Shop', owner: 'Petrov' }],
  [
    'shop',
    's3',
    null,
    '2024-06-01',
    99.99,
    null,
    null,
    null,
    { full_name: 'Walk-in Gusev', owner: 'Sidorov' },
  ],
];

export const interactions: Array<[string, string, string | null, string, string, Record<string, string>?]> = [
  ['crm', 'i1', 'C4', 'inbound', '2024-05-02T09:00:00Z'],
  ['crm', 'i2', 'C4', 'outbound', '2024-05-02T13:30:00Z'],
  ['crm', 'i3', 'C1', 'in', '2024-02-01T10:00:00Z'],
  ['crm', 'i4', 'C1', 'Outbound', '2024-02-02T10:00:00Z'],
  ['crm', 'i5', 'C1', 'outbound', '2024-01-15T10:00:00Z'],
  ['mail', 'i6', null, 'inbound', '2024-03-01T10:00:00Z', { email: 'stranger@example.com' }],
  ['mail', 'i7', null, 'inbound', '2024-06-10T08:00:00Z', { email: 'clara@example.com' }],
];

export const spend: Array<[string, string | null, string, string | null, number]> = [
  ['sp1', 'web', '2024-01-01', '2024-01-31', 100.01],
  ['sp2', 'fair', '2024-01-01', null, 50],
  ['sp3', 'web', '2024-03-01', null, 30],
  ['sp4', null, '2024-06-01', '2024-06-30', 20],
  ['sp5', 'web', '2024-05-01', '2024-05-31', 10],
];
