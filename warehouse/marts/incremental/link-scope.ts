import type { LinkScope } from '../../identity/link-customers.js';
import type { MartContext } from '../context.js';
import { markSql, STATE } from './state.js';

/**
 * What the refresh's link step reads. Every staged order's reference was in the crosswalk when
 * the last build took its marks (that build linked them all), so only orders stamped since can
 * hold an unknown one — unless a crosswalk row went since (a customer deleted takes its rows with
 * it by the cascade): then the orders of that reference need a link again, and only a pass over
 * all orders finds them. A row went when fewer rows linked up to the mark remain than the mark
 * counted (a row re-linked since counts as gone: a pass too many, never one too few), or more
 * (a row inserted with an older stamp could hide one that went); no count kept (a build before
 * this mark existed) also means a pass.
 */
export function linkScope(crosswalkWent: boolean): LinkScope {
  return crosswalkWent ? {} : { ordersSince: markSql('stg_order') };
}

/**
 * Whether a crosswalk row went since the last build's marks (or that cannot be told): see
 * linkScope. Asked once per refresh, before its link step (which adds rows stamped after the
 * marks only); the interaction facts and the leads read the same answer.
 */
export async function crosswalkRowsWent(ctx: MartContext): Promise<boolean> {
  const { wh } = ctx;
  const [row] = wh.adapter.rows(
    await wh.knex.raw(
      `SELECT (SELECT COUNT(*) FROM customer_crosswalk WHERE linked_at <= ${markSql('crosswalk_linked')}) AS kept,
        (SELECT number FROM ${STATE} WHERE name = 'mark:crosswalk_rows') AS counted`,
    ),
  );
  const counted = row?.counted;
  return counted === null || counted === undefined || Number(row?.kept) !== Number(counted);
}
