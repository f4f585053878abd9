/**
 * Which stream a sheet holds when the mapping does not say: an order sheet has at least two of an
 * order number, an order date and an amount (an order export without order numbers still is
 * one; its keys are derived from content); anything else is a contact list. Interaction and
 * spend sheets are only read with an explicit `"stream"` in the mapping.
 */
import type { StreamName } from '../contract.js';
import type { Concept } from './synonyms.js';

const ORDER_SIGNS: ReadonlySet<Concept> = new Set<Concept>(['order_number', 'order_date', 'amount']);

export function detectStream(concepts: Iterable<Concept>): StreamName {
  const signs = new Set<Concept>();
  for (const c of concepts) if (ORDER_SIGNS.has(c)) signs.add(c);
  return signs.size >= 2 ? 'order' : 'contact';
}
