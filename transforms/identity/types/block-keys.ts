/**
 * Blocking keys of records, for the warehouse to keep in an indexed table
 * (rule, key, record id). Keys depend only on the records' values, so they are the same in every
 * run. An incremental run then needs no pass over all records: the changed records' keys select
 * the stored records they could match (skip keys held by more than maxBlockSize records, as
 * blocking does); those plus the other records of their customers go to
 * `resolve(subset, { existing, changedIds, model })`.
 *
 * `rule[k]`, `key[k]`, `record[k]` (a position in the records passed) describe one key; records
 * lacking a rule's attributes have no key for it. A full run returns the keys of all its records
 * (`ResolveResult.blockKeys`, with shared identifiers already left out); `blockKeysOf` gives the
 * keys of new records, whose identifiers cannot be judged shared yet — an oversized key is
 * skipped at lookup anyway.
 */
export interface BlockKeys {
  rules: readonly string[];
  rule: Uint8Array;
  key: Uint32Array;
  record: Int32Array;
}
