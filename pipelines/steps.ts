import type { Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import type { Config } from './config.js';

export interface StepContext {
  wh: Warehouse;
  config: Config;
  runId: number;
  logger: Logger;
}

export interface StepOutcome {
  detail?: unknown;
  /** Set when the step finished but part of it failed (e.g. one source of several). */
  failed?: string;
}

/** The steps after extract, by name. */
export const STEP_HANDLERS: Readonly<
  Record<'resolve' | 'marts', (ctx: StepContext) => Promise<StepOutcome>>
> = Object.freeze({
  resolve: async ({ wh, config, runId, logger }) => {
    const { resolveWarehouse } = await import('../warehouse/identity/resolve-warehouse.js');
    return {
      detail: await resolveWarehouse(wh, {
        runId,
        defaultRegion: config.defaultRegion,
        sourcePriority: config.identity.sourcePriority,
        logger,
      }),
    };
  },
  marts: async ({ wh, config, logger }) => {
    const { buildMarts } = await import('../warehouse/marts/index.js');
    return { detail: await buildMarts(wh, { scoreboard: config.scoreboard, funnel: config.funnel, logger }) };
  },
});
