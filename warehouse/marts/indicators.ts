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
}

const spec = (
  name: string,
  title: string,
  horizon: Horizon,
  unit: IndicatorUnit,
  better: 'up' | 'down',
  kind: 'series' | 'snapshot',
): IndicatorSpec => Object.freeze({ name, title, horizon, unit, better, kind });

export const INDICATORS: readonly IndicatorSpec[] = Object.freeze([
  spec('new_customers', 'New customers', 'short', 'count', 'up', 'series'),
  spec('leads', 'Leads captured', 'short', 'count', 'up', 'series'),
  spec('lead_response_hours', 'Lead response time', 'short', 'hours', 'down', 'series'),
  spec('duplicate_rate', 'Duplicate rate', 'short', 'ratio', 'down', 'snapshot'),
  spec('completeness', 'Customer data completeness', 'short', 'ratio', 'up', 'snapshot'),
  spec('retention_rate', 'Retention rate', 'long', 'ratio', 'up', 'series'),
  spec('returning_customer_ratio', 'Returning customers', 'long', 'ratio', 'up', 'series'),
  spec('churn_rate', 'Churn', 'long', 'ratio', 'down', 'series'),
  spec('clv_avg', 'Average customer value', 'long', 'money', 'up', 'series'),
  spec('clv_predicted_avg', 'Predicted CLV', 'long', 'money', 'up', 'snapshot'),
  spec('cac', 'Acquisition cost (CAC)', 'long', 'money', 'down', 'series'),
  spec('profit_per_customer', 'Profit per customer', 'long', 'money', 'up', 'snapshot'),
  spec('program_roi', 'CRM program ROI', 'long', 'ratio', 'up', 'series'),
]);

/** Profit per customer of one RFM segment: `profit_per_customer:<segment>`. */
export const SEGMENT_PROFIT_PREFIX = 'profit_per_customer:';

const BY_NAME = new Map(INDICATORS.map((i) => [i.name, i]));

/** The spec of an indicator name, including the per-segment profit family; undefined if unknown. */
export function indicatorSpec(name: string): IndicatorSpec | undefined {
  const known = BY_NAME.get(name);
  if (known) return known;
  if (name.startsWith(SEGMENT_PROFIT_PREFIX) && name.length > SEGMENT_PROFIT_PREFIX.length) {
    const segment = name.slice(SEGMENT_PROFIT_PREFIX.length);
    return { ...BY_NAME.get('profit_per_customer')!, name, title: `Profit per customer: ${segment}` };
  }
  return undefined;
}
