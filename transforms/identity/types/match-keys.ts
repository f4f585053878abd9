/**
 * A record's match keys: the normalized values resolution compares (Latin folded names,
 * phonetic keys, email match key, E.164 phone, checked INN, company key, compact codes).
 *
 * Normalization is most of the cost of a run. The warehouse can store these next to the staged
 * record (`ResolveResult.matchKeys(id)`) and hand them back as `ResolveInput.match_keys`: an
 * incremental run then reads the candidate records it fetched without normalizing them again.
 * Keys of another version are ignored and recomputed from the raw fields.
 */
export interface MatchKeys {
  version: number;
  first_name: string | null;
  last_name: string | null;
  middle_name: string | null;
  first_phonetic: string | null;
  last_phonetic: string | null;
  email: string | null;
  phone: string | null;
  tax_id: string | null;
  personal_id: string | null;
  company: string | null;
  street: string | null;
  house: string | null;
  city: string | null;
  postcode: string | null;
  region: string | null;
}
