import type { MartContext } from '../context.js';
import type { StoredFit } from './state.js';

/** Refit when staged orders new or changed since the fit exceed this share of those at the fit… */
export const REFIT_CHANGED_SHARE = 0.05;
/** …or when the calibration end (the as-of day, by default) has moved this many days from the fit's. */
export const REFIT_AFTER_DAYS = 30;

export interface ClvDecision {
  refit: boolean;
  reason: string;
}

/**
 * When the CLV models are fitted again. One rule for a full rebuild and a nightly refresh alike,
 * so both score customers with the same parameters and give the same mart: refit when asked
 * (`--refit`), when there is no fit yet, when the mart definitions or the CLV settings changed
 * since it, when the orders new or changed since it exceed 5 % of the staged orders it saw, or
 * when the calibration end has moved more than 30 days from the fit's. Otherwise the stored
 * parameters score every customer whose inputs changed.
 */
export function decideClv(
  ctx: MartContext,
  stored: StoredFit | null,
  now: { definition: string; config: string; changedOrders: number; refit: boolean },
): ClvDecision {
  if (now.refit) return { refit: true, reason: 'refit asked for (--refit)' };
  if (!stored) return { refit: true, reason: 'no fitted models kept yet' };
  if (stored.definition !== now.definition) return { refit: true, reason: 'the mart definitions changed' };
  if (stored.config !== now.config) return { refit: true, reason: 'the CLV or currency settings changed' };
  const days = Math.abs(daysBetweenIso(stored.calibrationEnd, ctx.clv.calibrationEnd));
  if (days > REFIT_AFTER_DAYS)
    return { refit: true, reason: `fitted ${days} days before the calibration end (> ${REFIT_AFTER_DAYS})` };
  const changed = stored.changedSinceFit + now.changedOrders;
  const share = changed / Math.max(1, stored.ordersAtFit);
  if (share > REFIT_CHANGED_SHARE)
    return {
      refit: true,
      reason: `${changed} orders new or changed since the fit (${(share * 100).toFixed(1)} % > ${REFIT_CHANGED_SHARE * 100} %)`,
    };
  return {
    refit: false,
    reason: `kept: ${changed} orders new or changed since the fit (${(share * 100).toFixed(1)} % ≤ ${REFIT_CHANGED_SHARE * 100} %), fitted ${days} days before the calibration end`,
  };
}

/** Whole days from a to b, both 'YYYY-MM-DD'. */
function daysBetweenIso(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
