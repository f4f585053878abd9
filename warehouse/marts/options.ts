import { ConfigError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { TimeUnit } from '../../transforms/clv/index.js';
import {
  parseScoreboardConfig,
  type ScoreboardConfig,
  type ScoreboardConfigInput,
} from './scoreboard-config.js';
import { isoDate } from './sql.js';

/** How the CLV mart fits and predicts; every time quantity names its unit. */
export interface ClvSettings {
  /** Unit t_x and T are measured in for the BG/NBD fit (the model's α is per this unit). */
  readonly unit: TimeUnit;
  /** Horizon of the predicted CLV, whole calendar months. */
  readonly horizonMonths: number;
  /** Discount rate per month applied to each predicted month. */
  readonly monthlyDiscountRate: number;
  /** Last day of the calibration period, 'YYYY-MM-DD'; default: the as-of day. */
  readonly calibrationEnd: string;
  /** Below this many customers, or repeat customers, no model is fitted (historical value only). */
  readonly minCustomers: number;
  readonly minRepeaters: number;
  /**
   * Each model is fitted on at most this many customers: beyond, on every k-th customer id (the
   * same sample on every engine). Standard errors at 100,000 customers are far below the
   * parameters' precision; a fit's cost grows with the distinct (x, t_x, T) it sees.
   */
  readonly maxFitCustomers: number;
}

/** The lead funnel (config `funnel:`). */
export interface FunnelSettings {
  /** A lead converts when the customer's first revenue order is at most this many days after it. */
  readonly conversionDays: number;
}

export interface MartProgress {
  /** 'swap' events run inside the swap transaction (one per table); 'commit' follows it. */
  phase: 'link' | 'build' | 'swap' | 'commit';
  /** Mart or step just finished. */
  step: string;
  seconds: number;
}

export interface BuildMartsOptions {
  /** The day the marts describe (default: today, UTC). Orders after it are ignored. */
  asOf?: string | Date;
  /** The config file's `scoreboard:` section (validated here). */
  scoreboard?: ScoreboardConfigInput | ScoreboardConfig;
  clv?: Partial<ClvSettings>;
  /** The config file's `funnel:` section. */
  funnel?: Partial<FunnelSettings>;
  logger?: Logger;
  /**
   * Rebuild everything even when a refresh of what changed would do (`crm-etl marts --full`).
   * Without it, a warehouse whose marts came from a build of the same definitions and settings is
   * refreshed incrementally (incremental/): see the README for when it falls back to full.
   */
  full?: boolean;
  /** Fit the CLV models again whatever the refit rule says (`--refit`). */
  refit?: boolean;
  /** Called after each step; during the swap it runs inside the swap transaction. */
  onProgress?: (event: MartProgress) => void | Promise<void>;
}

export interface ResolvedOptions {
  asOf: string;
  /** Replaced by the section in use (scoreboard-targets.ts) before the build starts. */
  scoreboard: ScoreboardConfig;
  clv: ClvSettings;
  funnel: FunnelSettings;
}

export function resolveOptions(options: BuildMartsOptions): ResolvedOptions {
  const asOf = isoDate(options.asOf ?? new Date(), 'as-of date');
  const given = options.clv ?? {};
  const clv: ClvSettings = {
    unit: given.unit ?? 'week',
    horizonMonths: given.horizonMonths ?? 12,
    monthlyDiscountRate: given.monthlyDiscountRate ?? 0.01,
    calibrationEnd: isoDate(given.calibrationEnd ?? asOf, 'CLV calibration end'),
    minCustomers: given.minCustomers ?? 30,
    minRepeaters: given.minRepeaters ?? 10,
    maxFitCustomers: given.maxFitCustomers ?? 100_000,
  };
  if (clv.calibrationEnd > asOf) {
    throw new ConfigError(`CLV calibration end ${clv.calibrationEnd} is after the as-of date ${asOf}`);
  }
  const conversionDays = options.funnel?.conversionDays ?? 90;
  if (!Number.isInteger(conversionDays) || conversionDays < 0 || conversionDays > 3650) {
    throw new ConfigError(
      `funnel.conversionDays ${conversionDays} is not a whole number of days from 0 to 3650`,
      {
        hint: 'Set funnel.conversionDays to the days a lead has to become a first order (default 90)',
      },
    );
  }
  return { asOf, scoreboard: parseScoreboardConfig(options.scoreboard), clv, funnel: { conversionDays } };
}
