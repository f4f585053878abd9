import {
  survive,
  type ClusterMember,
  type GoldenOptions,
  type GoldenRecord,
} from '../../transforms/identity/index.js';
import { CONTACT_FIELDS } from '../tables.js';

export type { ClusterMember, GoldenOptions, GoldenRecord };

const COLUMNS = CONTACT_FIELDS.map((c) => c.name);

/** dim_customer's row for one customer: survivorship over its members' staged contact columns. */
export function goldenRecord(
  customerId: number,
  given: readonly ClusterMember[],
  options: GoldenOptions = {},
): GoldenRecord {
  return survive(customerId, given, COLUMNS, options);
}
