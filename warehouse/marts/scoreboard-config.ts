/**
 * The `scoreboard:` section of the config file: targets per indicator and the CRM program's
 * costs. Targets and costs are configuration, not code; this schema is their type and their
 * validation, part of the config file's schema.
 */
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import { INDICATORS, indicatorSpec, SEGMENT_PROFIT_PREFIX } from './indicators.js';
import { isCostPeriod } from './periods.js';

export const PROGRAM_COST_CATEGORIES = ['consulting', 'training', 'software', 'hardware', 'staff'] as const;

/** YAML may hand a date over as a Date (unquoted, YAML 1.1 style) or as text: both become 'YYYY-MM-DD'. */
const calendarDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
    // zod runs this check after a failed pattern too: a text that is no date at all must not throw.
    .refine((s) => isCalendarDate(s), 'is not a calendar date'),
);

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

const indicatorName = z.string().refine((name) => indicatorSpec(name) !== undefined, {
  error: (issue) =>
    `unknown indicator ${JSON.stringify(issue.input)} (known: ${INDICATORS.map((i) => i.name).join(', ')}, ${SEGMENT_PROFIT_PREFIX}<segment>)`,
});

const targetSchema = z.strictObject({
  indicator: indicatorName,
  horizon: z.enum(['short', 'long']),
  target: z.number().finite(),
  /** The date by which the target is due. */
  due: calendarDate,
  /** The value before the program; default: measured (see README). */
  baseline: z.number().finite().optional(),
});

const programCostSchema = z.strictObject({
  period: z.string().refine(isCostPeriod, 'a period YYYY, YYYY-Qn or YYYY-MM'),
  category: z.enum(PROGRAM_COST_CATEGORIES),
  amount: z.number().finite().nonnegative(),
});

const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a three-letter currency code (RUB, USD, EUR)')
  .transform((c) => c.toUpperCase());

/** One rate: 1 unit of `currency` = `rate` units of the base currency, for orders and spend of `period`. */
const rateSchema = z.strictObject({
  period: z.string().refine(isCostPeriod, 'a period YYYY, YYYY-Qn or YYYY-MM'),
  currency: currencyCode,
  rate: z.number().finite().positive(),
});

const currencySchema = z.strictObject({
  /** The currency every amount on the scoreboard is shown in. */
  base: currencyCode,
  /** Rates by period; the most specific period containing a month wins (month, then quarter, then year). */
  rates: z.array(rateSchema).default([]),
});

export const scoreboardConfigSchema = z.strictObject({
  /** Scoreboard period: retention, churn and returning ratio compare consecutive periods. */
  period: z.enum(['month', 'quarter', 'year']).default('month'),
  /** Share of the margin gained since the program started that is credited to it (ROI). */
  attributionShare: z.number().min(0).max(1).default(1),
  indicators: z
    .array(targetSchema)
    .default([])
    .refine(
      (list) => new Set(list.map((t) => t.indicator)).size === list.length,
      'an indicator is listed twice',
    ),
  programCosts: z.array(programCostSchema).default([]),
  /** Amounts in other currencies are converted to `base` by these rates, or left out — never summed as they are. */
  currency: currencySchema.optional(),
});

/** The validated section, defaults applied. */
export type ScoreboardConfig = z.output<typeof scoreboardConfigSchema>;
/** The section as written in the config file. */
export type ScoreboardConfigInput = z.input<typeof scoreboardConfigSchema>;
export type IndicatorTarget = ScoreboardConfig['indicators'][number];
export type ProgramCost = ScoreboardConfig['programCosts'][number];
export type CurrencyConfig = NonNullable<ScoreboardConfig['currency']>;

export const SCOREBOARD_CONFIG_HINT =
  'See the scoreboard section in DESIGN.md: period (month or quarter), indicators (indicator, horizon, target, due), programCosts (period, category, amount), currency (base, rates: period, currency, rate)';

/**
 * Validates a `scoreboard:` section; every problem becomes a ConfigError naming the key. The
 * config file's section is checked when the config loads (pipelines/config.ts); this is for
 * callers that build the marts with a section of their own.
 */
export function parseScoreboardConfig(value: unknown, source = 'scoreboard'): ScoreboardConfig {
  const parsed = scoreboardConfigSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = [source, ...issue.path.map(String)].join('.');
  throw new ConfigError(`${key}: ${issue.message}`, {
    hint: SCOREBOARD_CONFIG_HINT,
  });
}
