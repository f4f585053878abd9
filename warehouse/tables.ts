/**
 * Column specs of the staging tables: the single source of truth for the migration that
 * creates them and the bulk loader that fills them. Logical types map to engine types in
 * warehouse/engines.
 */

export type ColumnType =
  | 'key' // short identifier, indexable on every engine (VARCHAR(255))
  | 'text' // free text
  | 'date' // YYYY-MM-DD
  | 'datetime' // instant, stored in UTC
  | 'money' // DECIMAL(18,2)
  | 'float'
  | 'int'
  | 'json';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface StagingTableSpec {
  name: string;
  /** Unique business key: loading the same key again updates the row. */
  key: readonly string[];
  /** Columns the loader writes, in order (key columns first). */
  columns: readonly ColumnSpec[];
  /** Hash of the row's content: an unchanged row is not rewritten and counts as a duplicate. */
  hashColumn: string;
  /** Columns left out of the hash besides lineage (e.g. when a link was made). */
  hashIgnore?: readonly string[];
  /**
   * Columns added after rows had been hashed (by a later migration): left out of the hash while
   * empty, so a release that adds a column does not make every row already staged look changed
   * (a re-import would count them as updated, and resolve would compare them all again).
   */
  hashOnlyWhenSet?: readonly string[];
}

const col = (name: string, type: ColumnType): ColumnSpec => ({ name, type });

const lineage = [col('run_id', 'int'), col('file', 'text'), col('line', 'int')];
/** attributes: unmapped source columns; warnings: optional values dropped as unusable, and why. */
const tail = [col('attributes', 'json'), col('warnings', 'text'), col('row_hash', 'key')];

/** The canonical person/organization columns shared by stg_contact and dim_customer. */
export const CONTACT_FIELDS: readonly ColumnSpec[] = Object.freeze([
  col('first_name', 'text'),
  col('last_name', 'text'),
  col('middle_name', 'text'),
  col('full_name', 'text'),
  col('email', 'text'),
  col('phone', 'key'),
  col('phone_ext', 'key'),
  col('company', 'text'),
  col('tax_id', 'key'),
  col('personal_id', 'key'),
  col('birth_date', 'date'),
  col('street', 'text'),
  col('house', 'text'),
  col('city', 'text'),
  col('region', 'text'),
  col('postcode', 'key'),
  col('country', 'key'),
  col('owner', 'text'),
  col('customer_group', 'text'),
]);

const customerAsGiven = [
  col('full_name', 'text'),
  col('email', 'text'),
  col('phone', 'key'),
  col('company', 'text'),
  col('tax_id', 'key'),
];

/** Added to stg_interaction by 0006-interaction-mail. */
export const INTERACTION_MAIL_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('owner', 'text'),
  col('thread_key', 'key'),
  col('mail_from', 'text'),
  col('mail_to', 'text'),
  col('mail_cc', 'text'),
  col('body', 'text'),
]);

/**
 * Added to stg_interaction by 0008-interaction-web: where a web lead came from (the form, the page
 * it was sent from, the referrer and the UTM tags), so the lead funnel can tell channels apart.
 */
export const INTERACTION_WEB_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('form', 'key'),
  col('page_url', 'text'),
  col('referrer', 'text'),
  col('utm_source', 'key'),
  col('utm_medium', 'key'),
  col('utm_campaign', 'text'),
  col('utm_content', 'text'),
  col('utm_term', 'text'),
]);

/**
 * Added to stg_contact by 0012-contact-partial-date: a birth date the source wrote with day 00
 * ("00.05.1980") as `YYYY-MM`, or `YYYY` when the month is 00 too. birth_date is a DATE on every
 * engine and cannot hold it; identity resolution reads it as partial evidence (never a birthday).
 * stg_contact only: the golden record keeps real dates.
 */
export const CONTACT_PARTIAL_DATE_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('birth_date_partial', 'key'),
]);

const sourceKey = [col('source', 'key'), col('source_key', 'key')];

export const STG_CONTACT: StagingTableSpec = Object.freeze({
  name: 'stg_contact',
  key: ['source', 'source_key'],
  // source_created_at: when the record came to be in its source (form time, created date).
  columns: [
    ...sourceKey,
    ...lineage,
    ...CONTACT_FIELDS,
    col('source_created_at', 'datetime'),
    // Since 0012-contact-partial-date: a birth date known to the month or year only.
    ...CONTACT_PARTIAL_DATE_COLUMNS,
    ...tail,
  ],
  hashColumn: 'row_hash',
  hashOnlyWhenSet: CONTACT_PARTIAL_DATE_COLUMNS.map((c) => c.name),
});

export const STG_ORDER: StagingTableSpec = Object.freeze({
  name: 'stg_order',
  key: ['source', 'source_key'],
  columns: [
    ...sourceKey,
    ...lineage,
    col('customer_source_key', 'key'),
    col('order_date', 'date'),
    col('amount', 'money'),
    col('cost', 'money'),
    col('currency', 'key'),
    col('channel', 'key'),
    col('status', 'key'),
    col('owner', 'text'),
    ...customerAsGiven,
    ...tail,
  ],
  hashColumn: 'row_hash',
});

export const STG_INTERACTION: StagingTableSpec = Object.freeze({
  name: 'stg_interaction',
  key: ['source', 'source_key'],
  columns: [
    ...sourceKey,
    ...lineage,
    col('customer_source_key', 'key'),
    col('occurred_at', 'datetime'),
    col('channel', 'key'),
    col('direction', 'key'),
    col('subject', 'text'),
    ...customerAsGiven,
    // Since 0006-interaction-mail: whose activity, the conversation, a letter's addresses and text.
    ...INTERACTION_MAIL_COLUMNS,
    // Since 0008-interaction-web: a web lead's form, page, referrer and UTM tags.
    ...INTERACTION_WEB_COLUMNS,
    ...tail,
  ],
  hashColumn: 'row_hash',
  hashOnlyWhenSet: INTERACTION_WEB_COLUMNS.map((c) => c.name),
});

export const STG_SPEND: StagingTableSpec = Object.freeze({
  name: 'stg_spend',
  key: ['source', 'source_key'],
  columns: [
    ...sourceKey,
    ...lineage,
    col('period_start', 'date'),
    col('period_end', 'date'),
    col('channel', 'key'),
    col('campaign', 'text'),
    col('amount', 'money'),
    col('currency', 'key'),
    ...tail,
  ],
  hashColumn: 'row_hash',
});

export const STAGING_TABLES = Object.freeze({
  contact: STG_CONTACT,
  order: STG_ORDER,
  interaction: STG_INTERACTION,
  spend: STG_SPEND,
});

/** The golden record: written by identity resolution through the same bulk loader. */
export const DIM_CUSTOMER: StagingTableSpec = Object.freeze({
  name: 'dim_customer',
  key: ['customer_id'],
  columns: [
    col('customer_id', 'int'),
    ...CONTACT_FIELDS,
    col('first_seen', 'datetime'),
    col('last_seen', 'datetime'),
    col('record_count', 'int'),
    col('row_hash', 'key'),
  ],
  hashColumn: 'row_hash',
});

export const CUSTOMER_CROSSWALK: StagingTableSpec = Object.freeze({
  name: 'customer_crosswalk',
  key: ['source', 'source_key'],
  columns: [
    ...sourceKey,
    col('customer_id', 'int'),
    col('match_rule', 'key'),
    col('match_score', 'float'),
    col('linked_at', 'datetime'),
    col('matched_source', 'key'),
    col('matched_source_key', 'key'),
    col('match_detail', 'json'),
    col('row_hash', 'key'),
  ],
  hashColumn: 'row_hash',
  hashIgnore: ['linked_at'],
});

/** DESIGN.md's contract tables: names users, BI dashboards and checks depend on. */
export const CONTRACT_TABLES: readonly string[] = Object.freeze([
  'etl_run',
  'stg_contact',
  'stg_order',
  'stg_interaction',
  'stg_spend',
  'stg_quarantine',
  'dim_customer',
  'customer_crosswalk',
  'fct_order',
  'fct_interaction',
  'mart_customer_rfm',
  'mart_cohort_retention',
  'mart_customer_clv',
  'mart_segment_profitability',
  'mart_scoreboard',
  // Since 0009: per manager and month.
  'mart_manager_activity',
  // Since 0010: the lead funnel.
  'mart_lead_funnel',
]);
