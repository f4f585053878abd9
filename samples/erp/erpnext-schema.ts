/**
 * A subset of ERPNext's database, in ERPNext's own shape, on MariaDB or SQLite — for the ERP
 * connector's tests and the demo's bundled ERP. Not ERPNext code: the table and column names and
 * column types follow the DocType definitions (frappe/erpnext: erpnext/selling/doctype/customer,
 * sales_team; erpnext/accounts/doctype/sales_invoice, sales_invoice_item; erpnext/stock/doctype/
 * item. frappe/frappe: frappe/contacts/doctype/contact, contact_email, contact_phone, address;
 * frappe/core/doctype/dynamic_link, user) and Frappe's mapping of field types to MariaDB column
 * types (Data/Link/Select → varchar(140), Check → int(1) NOT NULL DEFAULT 0, Currency/Float →
 * decimal(21,9), Datetime → datetime(6), utf8mb4_unicode_ci tables, an index on `modified`).
 * Only some of each DocType's columns are here, enough that the tables are recognizably theirs.
 *
 * The seeding API does what ERPNext's documents do when saved — naming series, child rows saved
 * with the parent, totals, status on submit/cancel/return, `modified` bumped on every save —
 * with a deterministic clock, so a seeded database is the same every time.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';

export type FrappeFieldType =
  | 'Data'
  | 'Link'
  | 'Dynamic Link'
  | 'Select'
  | 'Read Only'
  | 'Check'
  | 'Int'
  | 'Float'
  | 'Currency'
  | 'Percent'
  | 'Date'
  | 'Time'
  | 'Datetime'
  | 'Small Text'
  | 'Text'
  | 'Text Editor';

/** Frappe's MariaDB column type of each field type (frappe/database/mariadb/database.py type_map). */
const COLUMN_TYPE: Record<FrappeFieldType, string> = {
  Data: 'varchar(140)',
  Link: 'varchar(140)',
  'Dynamic Link': 'varchar(140)',
  Select: 'varchar(140)',
  'Read Only': 'varchar(140)',
  Check: 'int(1)',
  Int: 'int(11)',
  Float: 'decimal(21,9)',
  Currency: 'decimal(21,9)',
  Percent: 'decimal(21,9)',
  Date: 'date',
  Time: 'time(6)',
  Datetime: 'datetime(6)',
  'Small Text': 'text',
  Text: 'text',
  'Text Editor': 'longtext',
};

type Field = readonly [name: string, type: FrappeFieldType, dflt?: string | number];

interface DocType {
  doctype: string;
  /** A child table (istable): has parent, parentfield, parenttype. */
  istable?: boolean;
  fields: readonly Field[];
  /** Fields with search_index (an index of their own). */
  indexes?: readonly string[];
}

export const ERPNEXT_DOCTYPES: readonly DocType[] = [
  {
    doctype: 'User',
    fields: [
      ['email', 'Data'],
      ['first_name', 'Data'],
      ['middle_name', 'Data'],
      ['last_name', 'Data'],
      ['full_name', 'Data'],
      ['username', 'Data'],
      ['language', 'Link'],
      ['time_zone', 'Select'],
      ['enabled', 'Check', 1],
      ['user_type', 'Select', 'System User'],
      ['mobile_no', 'Data'],
      ['phone', 'Data'],
    ],
  },
  {
    doctype: 'Customer',
    fields: [
      ['naming_series', 'Select'],
      ['salutation', 'Link'],
      ['customer_name', 'Data'],
      ['customer_type', 'Select', 'Company'],
      ['customer_group', 'Link'],
      ['territory', 'Link'],
      ['gender', 'Link'],
      ['lead_name', 'Link'],
      ['opportunity_name', 'Link'],
      ['account_manager', 'Link'],
      ['image', 'Text'],
      ['default_price_list', 'Link'],
      ['default_currency', 'Link'],
      ['is_internal_customer', 'Check'],
      ['represents_company', 'Link'],
      ['market_segment', 'Link'],
      ['industry', 'Link'],
      ['website', 'Data'],
      ['language', 'Link'],
      ['customer_details', 'Text'],
      ['customer_primary_contact', 'Link'],
      ['mobile_no', 'Read Only'],
      ['email_id', 'Read Only'],
      ['customer_primary_address', 'Link'],
      ['primary_address', 'Text'],
      ['tax_id', 'Data'],
      ['tax_category', 'Link'],
      ['payment_terms', 'Link'],
      ['loyalty_program', 'Link'],
      ['default_sales_partner', 'Link'],
      ['default_commission_rate', 'Float'],
      ['so_required', 'Check'],
      ['dn_required', 'Check'],
      ['is_frozen', 'Check'],
      ['disabled', 'Check'],
    ],
    indexes: ['customer_name', 'customer_group'],
  },
  {
    doctype: 'Sales Team',
    istable: true,
    fields: [
      ['sales_person', 'Link'],
      ['sales_designation', 'Data'],
      ['contact_no', 'Data'],
      ['allocated_percentage', 'Float'],
      ['allocated_amount', 'Currency'],
      ['commission_rate', 'Data'],
      ['incentives', 'Currency'],
    ],
    indexes: ['sales_person'],
  },
  {
    doctype: 'Address',
    fields: [
      ['address_title', 'Data'],
      ['address_type', 'Select', 'Billing'],
      ['address_line1', 'Data'],
      ['address_line2', 'Data'],
      ['city', 'Data'],
      ['county', 'Data'],
      ['state', 'Data'],
      ['country', 'Link'],
      ['pincode', 'Data'],
      ['email_id', 'Data'],
      ['phone', 'Data'],
      ['fax', 'Data'],
      ['tax_category', 'Link'],
      ['is_primary_address', 'Check'],
      ['is_shipping_address', 'Check'],
      ['disabled', 'Check'],
    ],
    indexes: ['city', 'pincode'],
  },
  {
    doctype: 'Contact',
    fields: [
      ['first_name', 'Data'],
      ['middle_name', 'Data'],
      ['last_name', 'Data'],
      ['full_name', 'Data'],
      ['email_id', 'Data'],
      ['user', 'Link'],
      ['address', 'Link'],
      ['sync_with_google_contacts', 'Check'],
      ['status', 'Select', 'Passive'],
      ['salutation', 'Link'],
      ['designation', 'Data'],
      ['gender', 'Link'],
      ['phone', 'Data'],
      ['mobile_no', 'Data'],
      ['company_name', 'Data'],
      ['image', 'Text'],
      ['google_contacts', 'Link'],
      ['google_contacts_id', 'Data'],
      ['pulled_from_google_contacts', 'Check'],
      ['is_primary_contact', 'Check'],
      ['department', 'Data'],
      ['unsubscribed', 'Check'],
    ],
    indexes: ['email_id'],
  },
  {
    doctype: 'Contact Email',
    istable: true,
    fields: [
      ['email_id', 'Data'],
      ['is_primary', 'Check'],
    ],
  },
  {
    doctype: 'Contact Phone',
    istable: true,
    fields: [
      ['phone', 'Data'],
      ['is_primary_phone', 'Check'],
      ['is_primary_mobile_no', 'Check'],
    ],
  },
  {
    doctype: 'Dynamic Link',
    istable: true,
    fields: [
      ['link_doctype', 'Link'],
      ['link_name', 'Dynamic Link'],
      ['link_title', 'Read Only'],
    ],
    indexes: ['link_name'],
  },
  {
    doctype: 'Item',
    fields: [
      ['naming_series', 'Select'],
      ['item_code', 'Data'],
      ['item_name', 'Data'],
      ['item_group', 'Link'],
      ['stock_uom', 'Link'],
      ['opening_stock', 'Float'],
      ['valuation_rate', 'Currency'],
      ['standard_rate', 'Currency'],
      ['disabled', 'Check'],
      ['is_stock_item', 'Check', 1],
      ['has_variants', 'Check'],
      ['variant_of', 'Link'],
      ['is_fixed_asset', 'Check'],
      ['description', 'Text Editor'],
      ['brand', 'Link'],
      ['valuation_method', 'Select'],
      ['end_of_life', 'Date', '2099-12-31'],
      ['is_purchase_item', 'Check', 1],
      ['last_purchase_rate', 'Float'],
      ['is_sales_item', 'Check', 1],
      ['image', 'Text'],
    ],
    indexes: ['item_name', 'item_group', 'variant_of'],
  },
  {
    doctype: 'Sales Invoice',
    fields: [
      ['title', 'Data'],
      ['naming_series', 'Select'],
      ['customer', 'Link'],
      ['customer_name', 'Small Text'],
      ['tax_id', 'Data'],
      ['company', 'Link'],
      ['company_tax_id', 'Data'],
      ['posting_date', 'Date'],
      ['posting_time', 'Time'],
      ['set_posting_time', 'Check'],
      ['due_date', 'Date'],
      ['is_pos', 'Check'],
      ['is_consolidated', 'Check'],
      ['is_return', 'Check'],
      ['return_against', 'Link'],
      ['is_debit_note', 'Check'],
      ['amended_from', 'Link'],
      ['cost_center', 'Link'],
      ['project', 'Link'],
      ['currency', 'Link'],
      ['conversion_rate', 'Float'],
      ['selling_price_list', 'Link'],
      ['price_list_currency', 'Link'],
      ['plc_conversion_rate', 'Float'],
      ['update_stock', 'Check'],
      ['set_warehouse', 'Link'],
      ['total_qty', 'Float'],
      ['base_total', 'Currency'],
      ['base_net_total', 'Currency'],
      ['total', 'Currency'],
      ['net_total', 'Currency'],
      ['taxes_and_charges', 'Link'],
      ['base_total_taxes_and_charges', 'Currency'],
      ['total_taxes_and_charges', 'Currency'],
      ['base_grand_total', 'Currency'],
      ['base_rounding_adjustment', 'Currency'],
      ['base_rounded_total', 'Currency'],
      ['grand_total', 'Currency'],
      ['rounding_adjustment', 'Currency'],
      ['rounded_total', 'Currency'],
      ['total_advance', 'Currency'],
      ['outstanding_amount', 'Currency'],
      ['disable_rounded_total', 'Check'],
      ['apply_discount_on', 'Select', 'Grand Total'],
      ['discount_amount', 'Currency'],
      ['customer_address', 'Link'],
      ['contact_person', 'Link'],
      ['contact_email', 'Data'],
      ['contact_mobile', 'Small Text'],
      ['territory', 'Link'],
      ['po_no', 'Data'],
      ['debit_to', 'Link'],
      ['party_account_currency', 'Link'],
      ['is_opening', 'Select', 'No'],
      ['sales_partner', 'Link'],
      ['commission_rate', 'Float'],
      ['total_commission', 'Currency'],
      ['status', 'Select', 'Draft'],
      ['campaign', 'Link'],
      ['source', 'Link'],
      ['customer_group', 'Link'],
      ['is_internal_customer', 'Check'],
      ['is_discounted', 'Check'],
      ['remarks', 'Small Text'],
    ],
    indexes: ['customer', 'posting_date', 'return_against', 'debit_to'],
  },
  {
    doctype: 'Sales Invoice Item',
    istable: true,
    fields: [
      ['barcode', 'Data'],
      ['item_code', 'Link'],
      ['item_name', 'Data'],
      ['description', 'Text Editor'],
      ['item_group', 'Link'],
      ['brand', 'Data'],
      ['qty', 'Float'],
      ['stock_uom', 'Link'],
      ['uom', 'Link'],
      ['conversion_factor', 'Float'],
      ['stock_qty', 'Float'],
      ['price_list_rate', 'Currency'],
      ['base_price_list_rate', 'Currency'],
      ['discount_percentage', 'Percent'],
      ['discount_amount', 'Currency'],
      ['rate', 'Currency'],
      ['amount', 'Currency'],
      ['base_rate', 'Currency'],
      ['base_amount', 'Currency'],
      ['net_rate', 'Currency'],
      ['net_amount', 'Currency'],
      ['base_net_rate', 'Currency'],
      ['base_net_amount', 'Currency'],
      ['is_free_item', 'Check'],
      ['income_account', 'Link'],
      ['expense_account', 'Link'],
      ['cost_center', 'Link'],
      ['warehouse', 'Link'],
      ['allow_zero_valuation_rate', 'Check'],
      ['incoming_rate', 'Currency'],
      ['actual_qty', 'Float'],
      ['sales_order', 'Link'],
      ['so_detail', 'Data'],
      ['delivery_note', 'Link'],
      ['dn_detail', 'Data'],
      ['delivered_qty', 'Float'],
    ],
    indexes: ['item_code', 'sales_order', 'so_detail', 'delivery_note', 'dn_detail'],
  },
  {
    // Frappe's naming-series counters.
    doctype: 'Series',
    fields: [['current', 'Int', 0]],
  },
];

export type ErpnextEngine = 'mysql' | 'sqlite';

export function erpnextEngineOf(knex: Knex): ErpnextEngine {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  if (/mysql|maria/i.test(client)) return 'mysql';
  if (/sqlite/i.test(client)) return 'sqlite';
  throw new Error(`ERPNext test databases are MariaDB or SQLite, not ${client}`);
}

const snake = (s: string): string => s.toLowerCase().replace(/\s+/g, '_');

/** Creates the ERPNext tables (they must not exist yet). */
export async function createErpnextSchema(knex: Knex): Promise<void> {
  const engine = erpnextEngineOf(knex);
  for (const dt of ERPNEXT_DOCTYPES) {
    await knex.schema.createTable(`tab${dt.doctype}`, (t) => {
      // Frappe's standard columns.
      t.specificType('name', 'varchar(140)').notNullable().primary();
      t.specificType('creation', 'datetime(6)');
      t.specificType('modified', 'datetime(6)');
      t.specificType('modified_by', 'varchar(140)');
      t.specificType('owner', 'varchar(140)');
      t.specificType('docstatus', 'int(1)').notNullable().defaultTo(0);
      t.specificType('idx', 'int(8)').notNullable().defaultTo(0);
      if (dt.istable) {
        t.specificType('parent', 'varchar(140)');
        t.specificType('parentfield', 'varchar(140)');
        t.specificType('parenttype', 'varchar(140)');
      }
      for (const [name, type, dflt] of dt.fields) {
        const col = t.specificType(name, COLUMN_TYPE[type]);
        if (type === 'Check') col.notNullable().defaultTo(dflt ?? 0);
        else if (dflt !== undefined) col.defaultTo(dflt);
      }
      if (!dt.istable) {
        for (const meta of ['_user_tags', '_comments', '_assign', '_liked_by']) t.text(meta);
      }
      // Index names are per table in MariaDB but per database in SQLite.
      const ix = (col: string): string => (engine === 'sqlite' ? `${snake(dt.doctype)}_${col}` : col);
      t.index(['modified'], ix('modified'));
      if (dt.istable) t.index(['parent'], ix('parent'));
      for (const col of dt.indexes ?? []) t.index([col], ix(col));
      if (engine === 'mysql') {
        t.engine('InnoDB');
        t.charset('utf8mb4');
        t.collate('utf8mb4_unicode_ci');
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding

export interface CustomerInput {
  customerName: string;
  /** Document name; default the customer name (ERPNext's default "Customer Naming By: Customer Name"). */
  name?: string;
  customerType?: 'Company' | 'Individual' | 'Partnership';
  customerGroup?: string;
  territory?: string;
  taxId?: string;
  email?: string;
  mobile?: string;
  /** A User's name (their email); see addUser. */
  accountManager?: string;
  /** Sales Person of the customer's Sales Team. */
  salesPerson?: string;
  defaultCurrency?: string;
  disabled?: boolean;
  isInternal?: boolean;
  address?: { line1: string; city: string; pincode?: string; country?: string };
  /** Override the clock for this save. */
  at?: string;
}

export interface ContactInput {
  firstName: string;
  middleName?: string;
  lastName?: string;
  /** Plain strings: the first is primary. */
  emails?: ReadonlyArray<string | { email: string; primary?: boolean }>;
  /** Plain strings: the first is the primary mobile. */
  phones?: ReadonlyArray<string | { phone: string; primaryPhone?: boolean; primaryMobile?: boolean }>;
  companyName?: string;
  /** Linked customers (Dynamic Link rows to Customer). */
  customers?: readonly string[];
  /** Other links, e.g. { doctype: 'Supplier', name: 'ООО Поставщик' }. */
  links?: ReadonlyArray<{ doctype: string; name: string }>;
  designation?: string;
  department?: string;
  status?: 'Passive' | 'Open' | 'Replied';
  /** Make it the first linked customer's primary contact (copies email/mobile to the customer). */
  primaryFor?: string;
  name?: string;
  at?: string;
}

export interface ItemInput {
  itemCode: string;
  itemName?: string;
  itemGroup?: string;
  stockUom?: string;
  valuationRate?: number;
  standardRate?: number;
  isStockItem?: boolean;
  at?: string;
}

export interface InvoiceItemInput {
  itemCode: string;
  qty: number;
  rate: number;
  /** Outgoing valuation per stock unit recorded on the row (ERPNext sets it when update_stock). */
  incomingRate?: number;
  uom?: string;
  conversionFactor?: number;
  warehouse?: string;
}

export interface InvoiceInput {
  customer: string;
  /** YYYY-MM-DD */
  postingDate: string;
  items: readonly InvoiceItemInput[];
  currency?: string;
  /** Invoice currency → company currency. */
  conversionRate?: number;
  dueDate?: string;
  /** Sales Team of the invoice; default the customer's. */
  salesPerson?: string;
  /** Sales tax on the net total, e.g. 0.2. */
  taxRate?: number;
  /** Invoice moves stock itself: incoming_rate defaults to the item's valuation rate. */
  updateStock?: boolean;
  /** Submit right away (default: saved as a draft, as ERPNext inserts it). */
  submit?: boolean;
  /** An opening invoice (is_opening 'Yes'): a balance carried over from a previous system. */
  isOpening?: boolean;
  /** The customer's PO number. */
  poNo?: string;
  name?: string;
  at?: string;
}

export interface ReturnInput {
  postingDate: string;
  /** Quantities to return (positive); default everything. */
  items?: ReadonlyArray<{ itemCode: string; qty: number }>;
  at?: string;
}

export interface ClockOptions {
  /** First timestamp, `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC). Default 2025-06-01 09:00:00. */
  start?: string;
  /**
   * Microseconds between two saves. Default 1.000137 s, so `modified` has a microsecond part as
   * Frappe's does. 0: every save shares one timestamp (rows with an identical cursor value).
   */
  stepMicros?: number;
}

const COMPANY = 'Демо ООО';
const COMPANY_ABBR = 'ДО';
const ADMIN = 'Administrator';

const round2 = (n: number): number => Math.round(n * 100) / 100;
const hashName = (seed: string): string => crypto.createHash('sha1').update(seed).digest('hex').slice(0, 10);

export function parseTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(s.trim());
  if (!m) throw new Error(`Not a timestamp: ${s}`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return ms * 1000 + Number((m[7] ?? '').padEnd(6, '0'));
}

export function formatTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

type Row = Record<string, string | number | null>;

/** A deterministic clock for seeded ERP databases: each tick is `stepMicros` after the last. */
export class ErpClock {
  private clock: number;
  private step: number;

  constructor(options: ClockOptions = {}) {
    this.clock = parseTimestamp(options.start ?? '2025-06-01 09:00:00');
    this.step = options.stepMicros ?? 1_000_137;
  }

  /** Moves the clock: the next tick is `at`, the ones after it `stepMicros` apart. */
  set(at: string, stepMicros: number = this.step): void {
    this.clock = parseTimestamp(at);
    this.step = stepMicros;
  }

  /** `at` normalized if given (the clock does not move), else the next tick. */
  tick(at?: string): string {
    if (at !== undefined) return formatTimestamp(parseTimestamp(at));
    const t = formatTimestamp(this.clock);
    this.clock += this.step;
    return t;
  }
}

/**
 * Seeds an ERPNext database created by createErpnextSchema. Every save stamps `creation` /
 * `modified` from a deterministic clock (see ClockOptions; `at` on a call overrides it once).
 */
export class ErpnextSeeder {
  readonly clock: ErpClock;

  constructor(
    readonly knex: Knex,
    clock: ClockOptions = {},
  ) {
    this.clock = new ErpClock(clock);
  }

  /** Moves the clock: the next save is stamped `at`, the ones after it `stepMicros` apart. */
  setClock(at: string, stepMicros?: number): void {
    this.clock.set(at, stepMicros);
  }

  /** The timestamp of the next save, advancing the clock. */
  tick(at?: string): string {
    return this.clock.tick(at);
  }

  private std(ts: string, idx = 0, docstatus = 0): Row {
    return { creation: ts, modified: ts, modified_by: ADMIN, owner: ADMIN, docstatus, idx };
  }

  private child(
    parentDoctype: string,
    parent: string,
    parentfield: string,
    ts: string,
    rows: Row[],
    docstatus = 0,
  ): Row[] {
    return rows.map((r, i) => ({
      name: hashName(`${parentDoctype}|${parent}|${parentfield}|${i}`),
      ...this.std(ts, i + 1, docstatus),
      parent,
      parentfield,
      parenttype: parentDoctype,
      ...r,
    }));
  }

  /** Next name of a naming series, e.g. `ACC-SINV-.YYYY.-` → ACC-SINV-2025-00001 (Frappe's tabSeries). */
  private async nextName(trx: Knex.Transaction, series: string, date: string): Promise<string> {
    const prefix = series.replace('.YYYY.', date.slice(0, 4)).replace(/\./g, '');
    const row = (await trx('tabSeries').where({ name: prefix }).first()) as { current: number } | undefined;
    const current = Number(row?.current ?? 0) + 1;
    if (row) await trx('tabSeries').where({ name: prefix }).update({ current });
    else await trx('tabSeries').insert({ name: prefix, current });
    return `${prefix}${String(current).padStart(5, '0')}`;
  }

  async addUser(input: { email: string; fullName: string; at?: string }): Promise<string> {
    const ts = this.tick(input.at);
    const [first, ...rest] = input.fullName.split(' ');
    await this.knex('tabUser').insert({
      name: input.email,
      ...this.std(ts),
      email: input.email,
      first_name: first ?? input.fullName,
      last_name: rest.join(' ') || null,
      full_name: input.fullName,
      enabled: 1,
      user_type: 'System User',
      language: 'ru',
      time_zone: 'Europe/Moscow',
    });
    return input.email;
  }

  async addCustomer(input: CustomerInput): Promise<string> {
    const ts = this.tick(input.at);
    const name = input.name ?? input.customerName;
    const type = input.customerType ?? 'Company';
    await this.knex.transaction(async (trx) => {
      let addressName: string | null = null;
      let primaryAddress: string | null = null;
      if (input.address) {
        addressName = `${input.customerName}-Billing`;
        const a = input.address;
        primaryAddress = [a.line1, a.city, a.pincode, a.country].filter(Boolean).join('\n');
        await trx('tabAddress').insert({
          name: addressName,
          ...this.std(ts),
          address_title: input.customerName,
          address_type: 'Billing',
          address_line1: a.line1,
          city: a.city,
          pincode: a.pincode ?? null,
          country: a.country ?? 'Russia',
          is_primary_address: 1,
        });
        await trx('tabDynamic Link').insert(
          this.child('Address', addressName, 'links', ts, [
            { link_doctype: 'Customer', link_name: name, link_title: input.customerName },
          ]),
        );
      }
      await trx('tabCustomer').insert({
        name,
        ...this.std(ts),
        naming_series: 'CUST-.YYYY.-',
        customer_name: input.customerName,
        customer_type: type,
        customer_group: input.customerGroup ?? (type === 'Individual' ? 'Individual' : 'Commercial'),
        territory: input.territory ?? 'Russia',
        account_manager: input.accountManager ?? null,
        default_currency: input.defaultCurrency ?? null,
        is_internal_customer: input.isInternal ? 1 : 0,
        represents_company: input.isInternal ? COMPANY : null,
        tax_id: input.taxId ?? null,
        email_id: input.email ?? null,
        mobile_no: input.mobile ?? null,
        customer_primary_address: addressName,
        primary_address: primaryAddress,
        language: 'ru',
        disabled: input.disabled ? 1 : 0,
      });
      if (input.salesPerson) {
        await trx('tabSales Team').insert(
          this.child('Customer', name, 'sales_team', ts, [
            { sales_person: input.salesPerson, allocated_percentage: 100 },
          ]),
        );
      }
    });
    return name;
  }

  async addContact(input: ContactInput): Promise<string> {
    const ts = this.tick(input.at);
    const full = [input.firstName, input.middleName, input.lastName].filter(Boolean).join(' ');
    const links = [
      ...(input.customers ?? []).map((c) => ({ doctype: 'Customer', name: c })),
      ...(input.links ?? []),
    ];
    // Contact.autoname: the full name, then "-" and the first link's name; "-1", "-2"… if taken.
    let name = input.name ?? [full, links[0]?.name].filter(Boolean).join('-');
    const emails = (input.emails ?? []).map((e, i) =>
      typeof e === 'string'
        ? { email: e, primary: i === 0 }
        : { email: e.email, primary: e.primary ?? false },
    );
    const phones = (input.phones ?? []).map((p, i) =>
      typeof p === 'string'
        ? { phone: p, primaryPhone: false, primaryMobile: i === 0 }
        : { phone: p.phone, primaryPhone: p.primaryPhone ?? false, primaryMobile: p.primaryMobile ?? false },
    );
    // Contact.validate copies the primary rows to the read-only fields (empty when none is primary).
    const email = emails.find((e) => e.primary)?.email ?? null;
    const phone = phones.find((p) => p.primaryPhone)?.phone ?? null;
    const mobile = phones.find((p) => p.primaryMobile)?.phone ?? null;
    await this.knex.transaction(async (trx) => {
      let n = 0;
      const base = name;
      while (await trx('tabContact').where({ name }).first()) name = `${base}-${++n}`;
      await trx('tabContact').insert({
        name,
        ...this.std(ts),
        first_name: input.firstName,
        middle_name: input.middleName ?? null,
        last_name: input.lastName ?? null,
        full_name: full,
        email_id: email,
        phone,
        mobile_no: mobile,
        company_name: input.companyName ?? null,
        designation: input.designation ?? null,
        department: input.department ?? null,
        status: input.status ?? 'Passive',
        is_primary_contact: input.primaryFor ? 1 : 0,
      });
      if (emails.length) {
        await trx('tabContact Email').insert(
          this.child(
            'Contact',
            name,
            'email_ids',
            ts,
            emails.map((e) => ({ email_id: e.email, is_primary: e.primary ? 1 : 0 })),
          ),
        );
      }
      if (phones.length) {
        await trx('tabContact Phone').insert(
          this.child(
            'Contact',
            name,
            'phone_nos',
            ts,
            phones.map((p) => ({
              phone: p.phone,
              is_primary_phone: p.primaryPhone ? 1 : 0,
              is_primary_mobile_no: p.primaryMobile ? 1 : 0,
            })),
          ),
        );
      }
      if (links.length) {
        const titles = new Map<string, string>();
        for (const l of links.filter((x) => x.doctype === 'Customer')) {
          const c = (await trx('tabCustomer').where({ name: l.name }).first('customer_name')) as
            { customer_name: string } | undefined;
          if (c) titles.set(l.name, c.customer_name);
        }
        await trx('tabDynamic Link').insert(
          this.child(
            'Contact',
            name,
            'links',
            ts,
            links.map((l) => ({
              link_doctype: l.doctype,
              link_name: l.name,
              link_title: titles.get(l.name) ?? l.name,
            })),
          ),
        );
      }
      if (input.primaryFor) {
        await trx('tabCustomer')
          .where({ name: input.primaryFor })
          .update({ customer_primary_contact: name, email_id: email, mobile_no: mobile, modified: ts });
      }
    });
    return name;
  }

  async addItem(input: ItemInput): Promise<string> {
    const ts = this.tick(input.at);
    await this.knex('tabItem').insert({
      name: input.itemCode,
      ...this.std(ts),
      item_code: input.itemCode,
      item_name: input.itemName ?? input.itemCode,
      item_group: input.itemGroup ?? 'Products',
      stock_uom: input.stockUom ?? 'Nos',
      valuation_rate: input.valuationRate ?? 0,
      standard_rate: input.standardRate ?? 0,
      is_stock_item: input.isStockItem === false ? 0 : 1,
      description: input.itemName ?? input.itemCode,
      valuation_method: 'FIFO',
      end_of_life: '2099-12-31',
    });
    return input.itemCode;
  }

  /** Saves a Sales Invoice (a draft unless `submit`), with its items and sales team. */
  async addInvoice(input: InvoiceInput): Promise<string> {
    return this.insertInvoice(input, null);
  }

  private async insertInvoice(
    input: InvoiceInput,
    returnOf: { against: string; items: readonly InvoiceItemInput[] } | null,
  ): Promise<string> {
    const ts = this.tick(input.at);
    const isReturn = returnOf !== null;
    const lines = returnOf ? returnOf.items : input.items;
    return this.knex.transaction(async (trx) => {
      const cust = (await trx('tabCustomer').where({ name: input.customer }).first()) as Row | undefined;
      if (!cust) throw new Error(`No customer ${input.customer}`);
      const name =
        input.name ??
        (await this.nextName(trx, isReturn ? 'ACC-SINV-RET-.YYYY.-' : 'ACC-SINV-.YYYY.-', input.postingDate));
      const rate = input.conversionRate ?? 1;
      const itemRows: Row[] = [];
      let total = 0;
      let totalQty = 0;
      for (const line of lines) {
        const item = (await trx('tabItem').where({ name: line.itemCode }).first()) as Row | undefined;
        if (!item) throw new Error(`No item ${line.itemCode}`);
        const cf = line.conversionFactor ?? 1;
        const amount = round2(line.qty * line.rate);
        total += amount;
        totalQty += line.qty;
        const incoming = line.incomingRate ?? (input.updateStock ? Number(item.valuation_rate ?? 0) : 0);
        itemRows.push({
          item_code: line.itemCode,
          item_name: item.item_name ?? null,
          description: item.description ?? null,
          item_group: item.item_group ?? null,
          qty: line.qty,
          stock_uom: item.stock_uom ?? null,
          uom: line.uom ?? item.stock_uom ?? null,
          conversion_factor: cf,
          stock_qty: line.qty * cf,
          price_list_rate: line.rate,
          base_price_list_rate: round2(line.rate * rate),
          rate: line.rate,
          amount,
          base_rate: round2(line.rate * rate),
          base_amount: round2(amount * rate),
          net_rate: line.rate,
          net_amount: amount,
          base_net_rate: round2(line.rate * rate),
          base_net_amount: round2(amount * rate),
          income_account: `Продажи - ${COMPANY_ABBR}`,
          expense_account: `Себестоимость продаж - ${COMPANY_ABBR}`,
          cost_center: `Основной - ${COMPANY_ABBR}`,
          warehouse: line.warehouse ?? `Склад - ${COMPANY_ABBR}`,
          incoming_rate: incoming,
          delivered_qty: input.updateStock ? line.qty : 0,
        });
      }
      total = round2(total);
      const taxes = round2(total * (input.taxRate ?? 0));
      const grand = round2(total + taxes);
      const rounded = Math.round(grand);
      const docstatus = input.submit || isReturn ? 1 : 0;
      const status = isReturn ? 'Return' : docstatus === 1 ? 'Unpaid' : 'Draft';
      await trx('tabSales Invoice').insert({
        name,
        ...this.std(ts, 0, docstatus),
        title: cust.customer_name,
        naming_series: isReturn ? 'ACC-SINV-RET-.YYYY.-' : 'ACC-SINV-.YYYY.-',
        customer: input.customer,
        customer_name: cust.customer_name,
        tax_id: cust.tax_id ?? null,
        company: COMPANY,
        posting_date: input.postingDate,
        posting_time: '10:00:00',
        due_date: input.dueDate ?? input.postingDate,
        is_return: isReturn ? 1 : 0,
        return_against: returnOf?.against ?? null,
        cost_center: `Основной - ${COMPANY_ABBR}`,
        currency: input.currency ?? 'RUB',
        conversion_rate: rate,
        selling_price_list: 'Стандартная продажа',
        price_list_currency: input.currency ?? 'RUB',
        plc_conversion_rate: 1,
        update_stock: input.updateStock ? 1 : 0,
        total_qty: totalQty,
        base_total: round2(total * rate),
        base_net_total: round2(total * rate),
        total,
        net_total: total,
        base_total_taxes_and_charges: round2(taxes * rate),
        total_taxes_and_charges: taxes,
        base_grand_total: round2(grand * rate),
        base_rounding_adjustment: round2((rounded - grand) * rate),
        base_rounded_total: round2(rounded * rate),
        grand_total: grand,
        rounding_adjustment: round2(rounded - grand),
        rounded_total: rounded,
        outstanding_amount: docstatus === 1 ? rounded : 0,
        debit_to: `Дебиторы - ${COMPANY_ABBR}`,
        is_opening: input.isOpening ? 'Yes' : 'No',
        po_no: input.poNo ?? null,
        party_account_currency: 'RUB',
        territory: cust.territory ?? null,
        customer_group: cust.customer_group ?? null,
        is_internal_customer: cust.is_internal_customer ?? 0,
        status,
      });
      await trx('tabSales Invoice Item').insert(
        this.child('Sales Invoice', name, 'items', ts, itemRows, docstatus),
      );
      let salesPerson = input.salesPerson;
      if (salesPerson === undefined) {
        const st = (await trx('tabSales Team')
          .where({ parent: input.customer, parenttype: 'Customer' })
          .orderBy('idx')
          .first('sales_person')) as { sales_person: string } | undefined;
        salesPerson = st?.sales_person;
      }
      if (salesPerson) {
        await trx('tabSales Team').insert(
          this.child(
            'Sales Invoice',
            name,
            'sales_team',
            ts,
            [
              {
                sales_person: salesPerson,
                allocated_percentage: 100,
                allocated_amount: round2(total * rate),
              },
            ],
            docstatus,
          ),
        );
      }
      if (returnOf) {
        // The original's outstanding drops by the credit; ERPNext then shows 'Credit Note Issued'.
        const orig = (await trx('tabSales Invoice').where({ name: returnOf.against }).first()) as Row;
        await trx('tabSales Invoice')
          .where({ name: returnOf.against })
          .update({
            outstanding_amount: Math.max(0, round2(Number(orig.outstanding_amount) + rounded)),
            status: 'Credit Note Issued',
            modified: ts,
          });
      }
      return name;
    });
  }

  private async setDocstatus(
    name: string,
    docstatus: 1 | 2,
    values: Row,
    at: string | undefined,
  ): Promise<void> {
    const ts = this.tick(at);
    await this.knex.transaction(async (trx) => {
      const n = await trx('tabSales Invoice')
        .where({ name })
        .update({ ...values, docstatus, modified: ts });
      if (n !== 1) throw new Error(`No sales invoice ${name}`);
      for (const table of ['tabSales Invoice Item', 'tabSales Team']) {
        await trx(table)
          .where({ parent: name, parenttype: 'Sales Invoice' })
          .update({ docstatus, modified: ts });
      }
    });
  }

  /** Submits a draft invoice: docstatus 1, status Unpaid (Return for a return). */
  async submit(name: string, at?: string): Promise<void> {
    const inv = (await this.knex('tabSales Invoice').where({ name }).first()) as Row | undefined;
    if (!inv || Number(inv.docstatus) !== 0) throw new Error(`${name} is not a draft`);
    await this.setDocstatus(
      name,
      1,
      { status: Number(inv.is_return) ? 'Return' : 'Unpaid', outstanding_amount: inv.rounded_total ?? null },
      at,
    );
  }

  /** Cancels a submitted invoice: docstatus 2, status Cancelled. */
  async cancel(name: string, at?: string): Promise<void> {
    await this.setDocstatus(name, 2, { status: 'Cancelled' }, at);
  }

  /** Records full payment: outstanding 0, status Paid. */
  async markPaid(name: string, at?: string): Promise<void> {
    await this.update('Sales Invoice', name, { outstanding_amount: 0, status: 'Paid' }, at);
  }

  /** A submitted credit note (is_return) against a submitted invoice, negative quantities. */
  async makeReturn(against: string, input: ReturnInput): Promise<string> {
    const orig = (await this.knex('tabSales Invoice').where({ name: against }).first()) as Row | undefined;
    if (!orig || Number(orig.docstatus) !== 1) throw new Error(`${against} is not a submitted invoice`);
    const rows = (await this.knex('tabSales Invoice Item')
      .where({ parent: against, parenttype: 'Sales Invoice' })
      .orderBy('idx')) as Row[];
    const wanted = input.items ?? rows.map((r) => ({ itemCode: String(r.item_code), qty: Number(r.qty) }));
    const items: InvoiceItemInput[] = wanted.map((w) => {
      const r = rows.find((x) => x.item_code === w.itemCode);
      if (!r) throw new Error(`${against} has no item ${w.itemCode}`);
      return {
        itemCode: w.itemCode,
        qty: -Math.abs(w.qty),
        rate: Number(r.rate),
        incomingRate: Number(r.incoming_rate ?? 0),
        conversionFactor: Number(r.conversion_factor ?? 1),
      };
    });
    return this.insertInvoice(
      {
        customer: String(orig.customer),
        postingDate: input.postingDate,
        items,
        currency: String(orig.currency),
        conversionRate: Number(orig.conversion_rate),
        updateStock: Number(orig.update_stock) === 1,
        taxRate: Number(orig.net_total) ? Number(orig.total_taxes_and_charges) / Number(orig.net_total) : 0,
        at: input.at,
      },
      { against, items },
    );
  }

  /** Saves a document with new values (bumping `modified`), as the desk's Save does. */
  async update(doctype: string, name: string, values: Row, at?: string): Promise<void> {
    const ts = this.tick(at);
    const n = await this.knex(`tab${doctype}`)
      .where({ name })
      .update({ ...values, modified: ts, modified_by: ADMIN });
    if (n !== 1) throw new Error(`No ${doctype} ${name}`);
  }

  /** Saves a document unchanged: only `modified` moves (to `at`, or the clock's next tick). */
  async touch(doctype: string, name: string, at?: string): Promise<void> {
    await this.update(doctype, name, {}, at);
  }
}

/** Creates the schema and returns a seeder for it. */
export async function createErpnextDb(knex: Knex, clock?: ClockOptions): Promise<ErpnextSeeder> {
  await createErpnextSchema(knex);
  return new ErpnextSeeder(knex, clock);
}
