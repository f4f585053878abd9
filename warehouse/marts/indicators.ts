/**
 * The scoreboard's indicators: what each measures, its unit, which way is better, and whether
 * it is a series (computed for every period from dated facts) or a snapshot (a state of the
 * warehouse now: kept per period as the builds record it). Formulas: warehouse/marts/README.md.
 */
export type Horizon = 'short' | 'long';
export type IndicatorUnit = 'count' | 'ratio' | 'money' | 'hours';

export interface IndicatorSpec {
  readonly name: string;
  readonly title: string;
  readonly horizon: Horizon;
  readonly unit: IndicatorUnit;
  /** 'up': higher is better; 'down': lower is better. */
  readonly better: 'up' | 'down';
  readonly kind: 'series' | 'snapshot';
  /** How the value is computed, in words a director can check against the data. */
  readonly formula: string;
}

const spec = (
  name: string,
  title: string,
  horizon: Horizon,
  unit: IndicatorUnit,
  better: 'up' | 'down',
  kind: 'series' | 'snapshot',
  formula: string,
): IndicatorSpec => Object.freeze({ name, title, horizon, unit, better, kind, formula });

export const INDICATORS: readonly IndicatorSpec[] = Object.freeze([
  spec(
    'new_customers',
    'New customers',
    'short',
    'count',
    'up',
    'series',
    'customers whose first revenue order (order date in the source) falls in the period',
  ),
  spec(
    'leads',
    'Leads captured',
    'short',
    'count',
    'up',
    'series',
    "customers whose earliest date in the sources falls in the period: the record's created/submitted date (form time), first order or first interaction, whichever is first; never the load time",
  ),
  spec(
    'lead_conversion_rate',
    'Lead conversion',
    'short',
    'ratio',
    'up',
    'series',
    "leads of the period (mart_lead_funnel) whose customer made a first revenue order on the lead's day or within funnel.conversionDays days after it (default 90) ÷ leads of the period; recent periods rise while their leads are still within the window",
  ),
  spec(
    'lead_response_hours',
    'Lead response time',
    'short',
    'hours',
    'down',
    'series',
    "mean hours from a customer's first inbound contact to the first outbound contact after it, over the first contacts of the period that were answered",
  ),
  spec(
    'reply_hours',
    'Reply time (median)',
    'short',
    'hours',
    'down',
    'series',
    'median hours from an inbound interaction (a letter, a form, a call in) to the first outbound one answering it (same customer, same thread when both have one), over the replies sent in the period; per manager (the owner of the reply): reply_hours:<owner>',
  ),
  spec(
    'duplicate_rate',
    'Duplicate rate',
    'short',
    'ratio',
    'down',
    'snapshot',
    'customer records (stg_contact) that resolved into a customer already holding a record of the same source ÷ customer records (per source: duplicate_rate:<source>); one customer in two different sources is a link, not a duplicate, and references in orders or interactions are not records',
  ),
  spec(
    'completeness',
    'Customer data completeness',
    'short',
    'ratio',
    'up',
    'snapshot',
    'filled key fields (name, e-mail, phone, address) ÷ (4 × customers)',
  ),
  spec(
    'retention_rate',
    'Retention rate',
    'long',
    'ratio',
    'up',
    'series',
    'customers who bought in the period and in the period before ÷ customers who bought in the period before',
  ),
  spec(
    'returning_customer_ratio',
    'Returning customers',
    'long',
    'ratio',
    'up',
    'series',
    'customers who bought in the period and had bought before it ÷ customers who bought in the period',
  ),
  spec('churn_rate', 'Churn', 'long', 'ratio', 'down', 'series', '1 − retention rate'),
  spec(
    'clv_avg',
    'Average customer value',
    'long',
    'money',
    'up',
    'series',
    'revenue up to the end of the period ÷ customers who bought up to then',
  ),
  spec(
    'clv_predicted_avg',
    'Predicted CLV',
    'long',
    'money',
    'up',
    'snapshot',
    'mean of the predicted customer lifetime value (BG/NBD + Gamma-Gamma, mart_customer_clv) over the customers with a prediction',
  ),
  spec(
    'cac',
    'Acquisition cost (CAC)',
    'long',
    'money',
    'down',
    'series',
    "marketing spend of the period (stg_spend) ÷ new customers of the period; per channel (cac:<channel>): spend on the channel ÷ new customers whose lead came from it, by the lead funnel's channel names",
  ),
  spec(
    'profit_per_customer',
    'Profit per customer',
    'long',
    'money',
    'up',
    'snapshot',
    'margin minus acquisition cost, summed over customers (mart_segment_profitability) ÷ customers',
  ),
  spec(
    'program_roi',
    'CRM program ROI',
    'long',
    'ratio',
    'up',
    'series',
    '(attribution share × margin gained over the pre-program baseline since the program started − program costs so far) ÷ program costs so far',
  ),
]);

/** Profit per customer of one RFM segment: `profit_per_customer:<segment>`. */
export const SEGMENT_PROFIT_PREFIX = 'profit_per_customer:';
/** Duplicate rate within one source: `duplicate_rate:<source>`. */
export const SOURCE_DUPLICATE_PREFIX = 'duplicate_rate:';

/** CAC of one channel (the lead funnel's channel names): `cac:<channel>`. */
export const CHANNEL_CAC_PREFIX = 'cac:';
/** Reply time of one manager (owner of the reply): `reply_hours:<owner>`. */
export const MANAGER_REPLY_PREFIX = 'reply_hours:';

const BY_NAME = new Map(INDICATORS.map((i) => [i.name, i]));

/** The spec of an indicator name, including the per-segment profit family; undefined if unknown. */
export function indicatorSpec(name: string): IndicatorSpec | undefined {
  const known = BY_NAME.get(name);
  if (known) return known;
  if (name.startsWith(SEGMENT_PROFIT_PREFIX) && name.length > SEGMENT_PROFIT_PREFIX.length) {
    const segment = name.slice(SEGMENT_PROFIT_PREFIX.length);
    return { ...BY_NAME.get('profit_per_customer')!, name, title: `Profit per customer: ${segment}` };
  }
  if (name.startsWith(SOURCE_DUPLICATE_PREFIX) && name.length > SOURCE_DUPLICATE_PREFIX.length) {
    const source = name.slice(SOURCE_DUPLICATE_PREFIX.length);
    return { ...BY_NAME.get('duplicate_rate')!, name, title: `Duplicate rate: ${source}` };
  }
  if (name.startsWith(CHANNEL_CAC_PREFIX) && name.length > CHANNEL_CAC_PREFIX.length) {
    const channel = name.slice(CHANNEL_CAC_PREFIX.length);
    return {
      ...BY_NAME.get('cac')!,
      name,
      title: `CAC: ${channel}`,
      formula: `spend of the period on channel ${channel} ÷ new customers of the period whose lead came from ${channel} (the lead funnel's channel: UTM source, else form, else source)`,
    };
  }
  if (name.startsWith(MANAGER_REPLY_PREFIX) && name.length > MANAGER_REPLY_PREFIX.length) {
    const owner = name.slice(MANAGER_REPLY_PREFIX.length);
    return { ...BY_NAME.get('reply_hours')!, name, title: `Reply time: ${owner}` };
  }
  return undefined;
}
