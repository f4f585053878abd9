/**
 * Odoo test databases on PostgreSQL: a subset of Odoo's tables in Odoo's own shape, and a
 * seeding API that does what the ORM does on save. Not Odoo code: the table and column names and
 * types follow the model definitions in odoo/odoo (odoo/addons/base/models/res_partner.py,
 * res_users.py, res_company.py, res_country.py, res_currency.py; addons/product/models/
 * product_template.py, product_product.py; addons/sale/models/sale_order.py, sale_order_line.py;
 * addons/sale_margin/models/sale_order_line.py; addons/account/models/account_move.py,
 * partner.py) and the ORM's column types (Char → varchar, translated Char → jsonb, Boolean →
 * boolean, Integer → int4, Float with digits and Monetary → numeric, Many2one → int4 foreign
 * key, Date → date, Datetime → timestamp without time zone in UTC; `id` serial, create_uid /
 * create_date / write_uid / write_date on every table). Only some of each model's columns.
 *
 * Write dates come from a deterministic clock; `write_date` is bumped on every write as the ORM
 * does, except customer_rank, which Odoo raises with a raw UPDATE that leaves write_date alone.
 */
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { ErpClock, type ClockOptions } from '../../samples/erp/erpnext-schema.js';
import type { EngineTarget } from '../support/engines.js';
import { freshSourceDb, type TestSourceDb } from './fresh-source.js';

const AUDIT = `create_uid int4, create_date timestamp without time zone,
  write_uid int4, write_date timestamp without time zone`;

const DDL: readonly string[] = [
  `CREATE TABLE res_currency (
  id serial PRIMARY KEY,
  name varchar NOT NULL,
  full_name varchar,
  symbol varchar NOT NULL,
  rounding numeric,
  decimal_places int4,
  active boolean,
  position varchar,
  currency_unit_label jsonb,
  currency_subunit_label jsonb,
  ${AUDIT},
  CONSTRAINT res_currency_unique_name UNIQUE (name))`,
  `CREATE TABLE res_country (
  id serial PRIMARY KEY,
  name jsonb NOT NULL,
  code varchar(2),
  currency_id int4 REFERENCES res_currency(id) ON DELETE SET NULL,
  phone_code int4,
  address_format text,
  name_position varchar,
  vat_label jsonb,
  state_required boolean,
  zip_required boolean,
  ${AUDIT},
  CONSTRAINT res_country_code_uniq UNIQUE (code))`,
  `CREATE TABLE res_country_state (
  id serial PRIMARY KEY,
  country_id int4 NOT NULL REFERENCES res_country(id) ON DELETE RESTRICT,
  name varchar NOT NULL,
  code varchar NOT NULL,
  ${AUDIT})`,
  `CREATE TABLE res_partner (
  id serial PRIMARY KEY,
  company_id int4,
  name varchar,
  complete_name varchar,
  title int4,
  parent_id int4 REFERENCES res_partner(id) ON DELETE SET NULL,
  user_id int4,
  state_id int4 REFERENCES res_country_state(id) ON DELETE RESTRICT,
  country_id int4 REFERENCES res_country(id) ON DELETE RESTRICT,
  industry_id int4,
  color int4,
  commercial_partner_id int4 REFERENCES res_partner(id) ON DELETE SET NULL,
  ref varchar,
  lang varchar,
  tz varchar,
  vat varchar,
  company_registry varchar,
  website varchar,
  function varchar,
  type varchar,
  street varchar,
  street2 varchar,
  zip varchar,
  city varchar,
  email varchar,
  phone varchar,
  mobile varchar,
  commercial_company_name varchar,
  company_name varchar,
  comment text,
  partner_latitude numeric,
  partner_longitude numeric,
  active boolean,
  employee boolean,
  is_company boolean,
  partner_share boolean,
  email_normalized varchar,
  message_bounce int4,
  customer_rank int4,
  supplier_rank int4,
  ${AUDIT},
  CONSTRAINT res_partner_check_name CHECK (((type)::text = 'contact'::text AND name IS NOT NULL) OR (type)::text <> 'contact'::text))`,
  `CREATE INDEX res_partner__name_index ON res_partner (name)`,
  `CREATE INDEX res_partner__complete_name_index ON res_partner (complete_name)`,
  `CREATE INDEX res_partner__parent_id_index ON res_partner (parent_id)`,
  `CREATE INDEX res_partner__commercial_partner_id_index ON res_partner (commercial_partner_id)`,
  `CREATE INDEX res_partner__vat_index ON res_partner (vat)`,
  `CREATE INDEX res_partner__ref_index ON res_partner (ref)`,
  `CREATE TABLE res_company (
  id serial PRIMARY KEY,
  name varchar NOT NULL,
  partner_id int4 NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  currency_id int4 NOT NULL REFERENCES res_currency(id) ON DELETE RESTRICT,
  sequence int4,
  active boolean,
  ${AUDIT})`,
  `CREATE TABLE res_users (
  id serial PRIMARY KEY,
  company_id int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
  partner_id int4 NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  active boolean DEFAULT true,
  login varchar NOT NULL,
  password varchar,
  action_id int4,
  signature text,
  share boolean,
  notification_type varchar,
  sale_team_id int4,
  ${AUDIT},
  CONSTRAINT res_users_login_key UNIQUE (login))`,
  `ALTER TABLE res_partner ADD FOREIGN KEY (user_id) REFERENCES res_users(id) ON DELETE SET NULL`,
  `CREATE TABLE product_template (
  id serial PRIMARY KEY,
  name jsonb NOT NULL,
  type varchar NOT NULL,
  default_code varchar,
  list_price numeric,
  sale_ok boolean,
  purchase_ok boolean,
  active boolean,
  uom_id int4,
  company_id int4,
  ${AUDIT})`,
  `CREATE TABLE product_product (
  id serial PRIMARY KEY,
  product_tmpl_id int4 NOT NULL REFERENCES product_template(id) ON DELETE CASCADE,
  default_code varchar,
  barcode varchar,
  active boolean,
  ${AUDIT})`,
  `CREATE TABLE sale_order (
  id serial PRIMARY KEY,
  campaign_id int4,
  source_id int4,
  medium_id int4,
  company_id int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
  partner_id int4 NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  partner_invoice_id int4 NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  partner_shipping_id int4 NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  fiscal_position_id int4,
  payment_term_id int4,
  pricelist_id int4,
  currency_id int4 REFERENCES res_currency(id) ON DELETE RESTRICT,
  user_id int4 REFERENCES res_users(id) ON DELETE SET NULL,
  team_id int4,
  access_token varchar,
  name varchar NOT NULL,
  state varchar,
  client_order_ref varchar,
  origin varchar,
  reference varchar,
  invoice_status varchar,
  validity_date date,
  note text,
  currency_rate numeric,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  locked boolean,
  require_signature boolean,
  require_payment boolean,
  commitment_date timestamp without time zone,
  date_order timestamp without time zone NOT NULL,
  margin numeric,
  margin_percent double precision,
  ${AUDIT})`,
  `CREATE INDEX sale_order__partner_id_index ON sale_order (partner_id)`,
  `CREATE INDEX sale_order__date_order_index ON sale_order (date_order)`,
  `CREATE INDEX sale_order__state_index ON sale_order (state)`,
  `CREATE INDEX sale_order__user_id_index ON sale_order (user_id)`,
  `CREATE TABLE sale_order_line (
  id serial PRIMARY KEY,
  order_id int4 NOT NULL REFERENCES sale_order(id) ON DELETE CASCADE,
  sequence int4,
  company_id int4,
  currency_id int4,
  order_partner_id int4,
  salesman_id int4,
  product_id int4 REFERENCES product_product(id) ON DELETE RESTRICT,
  product_uom int4,
  state varchar,
  display_type varchar,
  qty_delivered_method varchar,
  invoice_status varchar,
  name text NOT NULL,
  product_uom_qty numeric NOT NULL,
  price_unit numeric NOT NULL,
  discount numeric,
  price_subtotal numeric,
  price_tax double precision,
  price_total numeric,
  qty_delivered numeric,
  qty_invoiced numeric,
  qty_to_invoice numeric,
  customer_lead double precision NOT NULL,
  is_downpayment boolean,
  is_expense boolean,
  purchase_price numeric,
  margin numeric,
  margin_percent double precision,
  ${AUDIT})`,
  `CREATE INDEX sale_order_line__order_id_index ON sale_order_line (order_id)`,
  `CREATE TABLE account_move (
  id serial PRIMARY KEY,
  sequence_prefix varchar,
  sequence_number int4,
  journal_id int4 NOT NULL,
  company_id int4 REFERENCES res_company(id) ON DELETE RESTRICT,
  currency_id int4 NOT NULL REFERENCES res_currency(id) ON DELETE RESTRICT,
  partner_id int4 REFERENCES res_partner(id) ON DELETE RESTRICT,
  commercial_partner_id int4 REFERENCES res_partner(id) ON DELETE RESTRICT,
  partner_shipping_id int4,
  invoice_user_id int4 REFERENCES res_users(id) ON DELETE SET NULL,
  team_id int4,
  reversed_entry_id int4 REFERENCES account_move(id) ON DELETE SET NULL,
  invoice_payment_term_id int4,
  fiscal_position_id int4,
  name varchar,
  ref varchar,
  state varchar NOT NULL,
  posted_before boolean,
  move_type varchar NOT NULL,
  payment_state varchar,
  invoice_origin varchar,
  invoice_partner_display_name varchar,
  payment_reference varchar,
  date date NOT NULL,
  invoice_date date,
  invoice_date_due date,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  amount_residual numeric,
  amount_untaxed_signed numeric,
  amount_tax_signed numeric,
  amount_total_signed numeric,
  amount_total_in_currency_signed numeric,
  amount_residual_signed numeric,
  narration text,
  ${AUDIT})`,
  `CREATE INDEX account_move__date_index ON account_move (date)`,
  `CREATE INDEX account_move__state_index ON account_move (state)`,
  `CREATE INDEX account_move__commercial_partner_id_index ON account_move (commercial_partner_id)`,
  `CREATE INDEX account_move__invoice_date_index ON account_move (invoice_date)`,
];

export interface PartnerInput {
  name: string;
  isCompany?: boolean;
  /** The company a person works for (parent_id); they inherit its commercial partner. */
  parentId?: number;
  type?: 'contact' | 'invoice' | 'delivery' | 'other';
  email?: string;
  phone?: string;
  mobile?: string;
  vat?: string;
  companyName?: string;
  street?: string;
  street2?: string;
  city?: string;
  zip?: string;
  /** ISO code: RU, KZ… */
  country?: string;
  /** A state name of that country (res_country_state). */
  state?: string;
  /** Salesperson: a res_users id. */
  userId?: number;
  ref?: string;
  active?: boolean;
  customerRank?: number;
  supplierRank?: number;
  at?: string;
}

export interface OrderLineInput {
  productId: number;
  qty: number;
  priceUnit: number;
  /** sale_margin's cost per unit; default the product's cost given to addProduct. */
  purchasePrice?: number;
  discount?: number;
}

export interface SaleOrderInput {
  partnerId: number;
  /** YYYY-MM-DD[ HH:MM:SS] (UTC) */
  dateOrder: string;
  lines: readonly OrderLineInput[];
  currency?: string;
  userId?: number;
  /** Sales tax on the untaxed amount, e.g. 0.2. */
  taxRate?: number;
  /** 'draft' (a quotation, default), 'sent', 'sale' (confirmed), 'done' (locked, Odoo ≤ 16), 'cancel'. */
  state?: 'draft' | 'sent' | 'sale' | 'done' | 'cancel';
  clientOrderRef?: string;
  at?: string;
}

export interface InvoiceInput {
  partnerId: number;
  /** YYYY-MM-DD */
  invoiceDate: string;
  amountUntaxed: number;
  amountTax?: number;
  moveType?: 'out_invoice' | 'out_refund';
  currency?: string;
  userId?: number;
  /** Source document names, e.g. a sale order's name 'S00012' (comma-separated when several). */
  invoiceOrigin?: string;
  /** 'draft' (default), 'posted', 'cancel'. */
  state?: 'draft' | 'posted' | 'cancel';
  paymentState?: 'not_paid' | 'partial' | 'in_payment' | 'paid' | 'reversed';
  reversedEntryId?: number;
  at?: string;
}

type Row = Record<string, unknown>;
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Seeds an Odoo database created by createOdooSchema. */
export class OdooSeeder {
  readonly clock: ErpClock;
  companyId = 0;
  companyPartnerId = 0;
  /** The admin user (res_users id 2 in Odoo; 1 is the system user). */
  adminId = 0;
  private readonly costs = new Map<number, number>();
  private readonly seq = new Map<string, number>();

  constructor(
    readonly knex: Knex,
    clock: ClockOptions = {},
  ) {
    this.clock = new ErpClock(clock);
  }

  /** Moves the clock: the next write is stamped `at`, the ones after it `stepMicros` apart (0: all equal). */
  setClock(at: string, stepMicros?: number): void {
    this.clock.set(at, stepMicros);
  }

  private audit(ts: string): Row {
    const uid = this.adminId || null;
    return { create_uid: uid, create_date: ts, write_uid: uid, write_date: ts };
  }

  private async insert(table: string, row: Row, ts: string, trx: Knex = this.knex): Promise<number> {
    const [r] = (await trx(table)
      .insert({ ...row, ...this.audit(ts) })
      .returning('id')) as Array<{ id: number }>;
    return r!.id;
  }

  async idOf(table: string, where: Row): Promise<number> {
    const r = (await this.knex(table).where(where).first('id')) as { id: number } | undefined;
    if (!r) throw new Error(`No ${table} ${JSON.stringify(where)}`);
    return r.id;
  }

  /** Base data a fresh Odoo database has: currencies, countries, the company, its admin. */
  async init(): Promise<void> {
    const ts = this.clock.tick();
    const currencies: Array<[string, string, string]> = [
      ['RUB', 'Russian ruble', '₽'],
      ['EUR', 'Euro', '€'],
      ['USD', 'United States dollar', '$'],
      ['KZT', 'Kazakhstani tenge', '₸'],
    ];
    for (const [name, full, symbol] of currencies) {
      await this.insert(
        'res_currency',
        { name, full_name: full, symbol, rounding: 0.01, decimal_places: 2, active: true, position: 'after' },
        ts,
      );
    }
    const countries: Array<[string, string, string, string[]]> = [
      [
        'RU',
        'Russian Federation',
        'RUB',
        ['Москва', 'Санкт-Петербург', 'Республика Татарстан', 'Свердловская область'],
      ],
      ['KZ', 'Kazakhstan', 'KZT', ['Алматы']],
    ];
    for (const [code, name, cur, states] of countries) {
      const id = await this.insert(
        'res_country',
        {
          name: JSON.stringify({ en_US: name }),
          code,
          currency_id: await this.idOf('res_currency', { name: cur }),
        },
        ts,
      );
      let n = 0;
      for (const s of states)
        await this.insert('res_country_state', { country_id: id, name: s, code: `${code}${++n}` }, ts);
    }
    this.companyPartnerId = await this.addPartner({
      name: 'Демо ООО',
      isCompany: true,
      country: 'RU',
      at: ts,
    });
    this.companyId = await this.insert(
      'res_company',
      {
        name: 'Демо ООО',
        partner_id: this.companyPartnerId,
        currency_id: await this.idOf('res_currency', { name: 'RUB' }),
        sequence: 10,
        active: true,
      },
      ts,
    );
    await this.knex('res_partner')
      .where({ id: this.companyPartnerId })
      .update({ company_id: this.companyId });
    await this.addUser({ login: '__system__', name: 'OdooBot', at: ts, active: false });
    this.adminId = await this.addUser({ login: 'admin', name: 'Mitchell Admin', at: ts });
  }

  /** An internal user with its partner (partner_share false). */
  async addUser(input: {
    login: string;
    name: string;
    email?: string;
    active?: boolean;
    at?: string;
  }): Promise<number> {
    const ts = this.clock.tick(input.at);
    return this.knex.transaction(async (trx) => {
      const partnerId = await this.insertPartner(trx, { name: input.name, email: input.email, at: ts }, ts);
      const id = await this.insert(
        'res_users',
        {
          company_id: this.companyId,
          partner_id: partnerId,
          login: input.login,
          active: input.active ?? true,
          share: false,
          notification_type: 'email',
        },
        ts,
        trx,
      );
      await trx('res_partner').where({ id: partnerId }).update({ partner_share: false });
      return id;
    });
  }

  async addPartner(input: PartnerInput): Promise<number> {
    const ts = this.clock.tick(input.at);
    return this.knex.transaction((trx) => this.insertPartner(trx, input, ts));
  }

  private async insertPartner(trx: Knex.Transaction, input: PartnerInput, ts: string): Promise<number> {
    const parent = input.parentId
      ? ((await trx('res_partner').where({ id: input.parentId }).first()) as Row | undefined)
      : undefined;
    if (input.parentId && !parent) throw new Error(`No partner ${input.parentId}`);
    const countryId = input.country
      ? ((await trx('res_country').where({ code: input.country }).first('id')) as { id: number }).id
      : null;
    const stateId =
      input.state && countryId
        ? (
            (await trx('res_country_state')
              .where({ country_id: countryId, name: input.state })
              .first('id')) as {
              id: number;
            }
          ).id
        : null;
    const isCompany = input.isCompany ?? false;
    const type = input.type ?? 'contact';
    // _compute_commercial_partner: a company, or a partner without a parent, is its own.
    const commercialId = isCompany || !parent ? null : Number(parent.commercial_partner_id);
    const completeName = parent && !isCompany ? `${String(parent.name)}, ${input.name}` : input.name;
    const id = await this.insert(
      'res_partner',
      {
        company_id: null,
        name: input.name,
        complete_name: completeName,
        parent_id: input.parentId ?? null,
        user_id: input.userId ?? (parent?.user_id as number | null | undefined) ?? null,
        state_id: stateId,
        country_id: countryId ?? (parent?.country_id as number | null | undefined) ?? null,
        color: 0,
        ref: input.ref ?? null,
        lang: 'ru_RU',
        tz: 'Europe/Moscow',
        vat: input.vat ?? (parent?.vat as string | null | undefined) ?? null,
        type,
        street: input.street ?? null,
        street2: input.street2 ?? null,
        zip: input.zip ?? null,
        city: input.city ?? null,
        email: input.email ?? null,
        email_normalized: input.email?.trim().toLowerCase() ?? null,
        phone: input.phone ?? null,
        mobile: input.mobile ?? null,
        company_name: input.companyName ?? null,
        commercial_company_name:
          parent && !isCompany ? String(parent.commercial_company_name ?? parent.name) : input.name,
        active: input.active ?? true,
        employee: false,
        is_company: isCompany,
        partner_share: true,
        message_bounce: 0,
        customer_rank: input.customerRank ?? 0,
        supplier_rank: input.supplierRank ?? 0,
      },
      ts,
      trx,
    );
    await trx('res_partner')
      .where({ id })
      .update({ commercial_partner_id: commercialId ?? id });
    return id;
  }

  /** A storable product; `cost` is what sale_margin copies into purchase_price. */
  async addProduct(input: {
    name: string;
    code: string;
    listPrice: number;
    cost: number;
    at?: string;
  }): Promise<number> {
    const ts = this.clock.tick(input.at);
    const tmpl = await this.insert(
      'product_template',
      {
        name: JSON.stringify({ en_US: input.name }),
        type: 'consu',
        default_code: input.code,
        list_price: input.listPrice,
        sale_ok: true,
        purchase_ok: true,
        active: true,
        uom_id: 1,
      },
      ts,
    );
    const id = await this.insert(
      'product_product',
      { product_tmpl_id: tmpl, default_code: input.code, active: true },
      ts,
    );
    this.costs.set(id, input.cost);
    return id;
  }

  private nextName(prefix: string, pad: number): string {
    const n = (this.seq.get(prefix) ?? 0) + 1;
    this.seq.set(prefix, n);
    return `${prefix}${String(n).padStart(pad, '0')}`;
  }

  async addSaleOrder(input: SaleOrderInput): Promise<number> {
    const ts = this.clock.tick(input.at);
    return this.knex.transaction(async (trx) => {
      const partner = (await trx('res_partner').where({ id: input.partnerId }).first()) as Row | undefined;
      if (!partner) throw new Error(`No partner ${input.partnerId}`);
      const currencyId = await this.idOf('res_currency', { name: input.currency ?? 'RUB' });
      const name = this.nextName('S', 5);
      const state = input.state ?? 'draft';
      let untaxed = 0;
      let margin = 0;
      const lines: Row[] = input.lines.map((l, i) => {
        const subtotal = round2(l.qty * l.priceUnit * (1 - (l.discount ?? 0) / 100));
        const purchase = l.purchasePrice ?? this.costs.get(l.productId) ?? 0;
        untaxed += subtotal;
        margin += subtotal - purchase * l.qty;
        const tax = round2(subtotal * (input.taxRate ?? 0));
        return {
          sequence: 10 + i,
          company_id: this.companyId,
          currency_id: currencyId,
          order_partner_id: input.partnerId,
          salesman_id: input.userId ?? null,
          product_id: l.productId,
          product_uom: 1,
          state,
          display_type: null,
          qty_delivered_method: 'stock_move',
          invoice_status: state === 'sale' || state === 'done' ? 'to invoice' : 'no',
          name: `[${l.productId}] line ${i + 1}`,
          product_uom_qty: l.qty,
          price_unit: l.priceUnit,
          discount: l.discount ?? 0,
          price_subtotal: subtotal,
          price_tax: tax,
          price_total: round2(subtotal + tax),
          qty_delivered: 0,
          qty_invoiced: 0,
          qty_to_invoice: 0,
          customer_lead: 0,
          is_downpayment: false,
          is_expense: false,
          purchase_price: purchase,
          margin: round2(subtotal - purchase * l.qty),
          margin_percent: subtotal ? (subtotal - purchase * l.qty) / subtotal : 0,
        };
      });
      untaxed = round2(untaxed);
      const tax = round2(untaxed * (input.taxRate ?? 0));
      const id = await this.insert(
        'sale_order',
        {
          company_id: this.companyId,
          partner_id: input.partnerId,
          partner_invoice_id: input.partnerId,
          partner_shipping_id: input.partnerId,
          currency_id: currencyId,
          user_id: input.userId ?? null,
          name,
          state,
          client_order_ref: input.clientOrderRef ?? null,
          invoice_status: state === 'sale' || state === 'done' ? 'to invoice' : 'no',
          currency_rate: 1,
          amount_untaxed: untaxed,
          amount_tax: tax,
          amount_total: round2(untaxed + tax),
          locked: state === 'done',
          require_signature: true,
          require_payment: false,
          date_order: input.dateOrder.length === 10 ? `${input.dateOrder} 09:00:00` : input.dateOrder,
          margin: round2(margin),
          margin_percent: untaxed ? margin / untaxed : 0,
        },
        ts,
        trx,
      );
      // A section line, as the order form allows: no product, no quantity.
      await trx('sale_order_line').insert({
        order_id: id,
        sequence: 1,
        display_type: 'line_section',
        name: 'Товары',
        product_uom_qty: 0,
        price_unit: 0,
        customer_lead: 0,
        ...this.audit(ts),
      });
      for (const l of lines) await trx('sale_order_line').insert({ order_id: id, ...l, ...this.audit(ts) });
      return id;
    });
  }

  /** Writes values (the ORM bumps write_date / write_uid). */
  async write(table: string, id: number, values: Row, at?: string): Promise<void> {
    const ts = this.clock.tick(at);
    const n = await this.knex(table)
      .where({ id })
      .update({ ...values, write_date: ts, write_uid: this.adminId || null });
    if (n !== 1) throw new Error(`No ${table} ${id}`);
  }

  /** Saves a row unchanged: only write_date moves. */
  async touch(table: string, id: number, at?: string): Promise<void> {
    await this.write(table, id, {}, at);
  }

  /** action_confirm: a quotation becomes a sales order; its date_order becomes the confirmation time. */
  async confirmOrder(id: number, at?: string): Promise<void> {
    const ts = this.clock.tick(at);
    await this.knex.transaction(async (trx) => {
      await trx('sale_order')
        .where({ id })
        .update({ state: 'sale', invoice_status: 'to invoice', date_order: ts.slice(0, 19), write_date: ts });
      await trx('sale_order_line').where({ order_id: id }).update({ state: 'sale', write_date: ts });
    });
  }

  async cancelOrder(id: number, at?: string): Promise<void> {
    const ts = this.clock.tick(at);
    await this.knex.transaction(async (trx) => {
      await trx('sale_order').where({ id }).update({ state: 'cancel', invoice_status: 'no', write_date: ts });
      await trx('sale_order_line').where({ order_id: id }).update({ state: 'cancel', write_date: ts });
    });
  }

  /** _increase_rank: a raw UPDATE in Odoo, write_date untouched. */
  async increaseRank(
    partnerId: number,
    field: 'customer_rank' | 'supplier_rank' = 'customer_rank',
  ): Promise<void> {
    const p = (await this.knex('res_partner').where({ id: partnerId }).first('commercial_partner_id')) as {
      commercial_partner_id: number;
    };
    await this.knex('res_partner').whereIn('id', [partnerId, p.commercial_partner_id]).increment(field, 1);
  }

  async addInvoice(input: InvoiceInput): Promise<number> {
    const ts = this.clock.tick(input.at);
    const moveType = input.moveType ?? 'out_invoice';
    const state = input.state ?? 'draft';
    const sign = moveType === 'out_refund' ? -1 : 1;
    const untaxed = round2(input.amountUntaxed);
    const tax = round2(input.amountTax ?? 0);
    const total = round2(untaxed + tax);
    const partner = (await this.knex('res_partner').where({ id: input.partnerId }).first()) as
      Row | undefined;
    if (!partner) throw new Error(`No partner ${input.partnerId}`);
    const year = input.invoiceDate.slice(0, 4);
    const prefix = `${moveType === 'out_refund' ? 'RINV' : 'INV'}/${year}/`;
    const name = state === 'draft' ? '/' : this.nextName(prefix, 5);
    const paid = input.paymentState === 'paid' || input.paymentState === 'reversed';
    const id = await this.insert(
      'account_move',
      {
        sequence_prefix: state === 'draft' ? null : prefix,
        sequence_number: state === 'draft' ? null : Number(name.slice(prefix.length)),
        journal_id: 1,
        company_id: this.companyId,
        currency_id: await this.idOf('res_currency', { name: input.currency ?? 'RUB' }),
        partner_id: input.partnerId,
        commercial_partner_id: partner.commercial_partner_id,
        partner_shipping_id: input.partnerId,
        invoice_user_id: input.userId ?? null,
        reversed_entry_id: input.reversedEntryId ?? null,
        name,
        state,
        posted_before: state !== 'draft',
        move_type: moveType,
        payment_state: input.paymentState ?? 'not_paid',
        invoice_origin: input.invoiceOrigin ?? null,
        invoice_partner_display_name: partner.complete_name,
        payment_reference: name,
        date: input.invoiceDate,
        invoice_date: input.invoiceDate,
        invoice_date_due: input.invoiceDate,
        amount_untaxed: untaxed,
        amount_tax: tax,
        amount_total: total,
        amount_residual: paid ? 0 : total,
        amount_untaxed_signed: sign * untaxed,
        amount_tax_signed: sign * tax,
        amount_total_signed: sign * total,
        amount_total_in_currency_signed: sign * total,
        amount_residual_signed: paid ? 0 : sign * total,
      },
      ts,
    );
    if (state === 'posted') await this.increaseRank(input.partnerId);
    return id;
  }

  /** The invoice of a confirmed order (Create Invoice): invoice_origin is the order's name. */
  async invoiceOrder(
    orderId: number,
    input: {
      invoiceDate: string;
      state?: 'draft' | 'posted';
      paymentState?: InvoiceInput['paymentState'];
      at?: string;
    },
  ): Promise<number> {
    const so = (await this.knex('sale_order').where({ id: orderId }).first()) as Row;
    const cur = (await this.knex('res_currency').where({ id: so.currency_id }).first('name')) as {
      name: string;
    };
    const id = await this.addInvoice({
      partnerId: Number(so.partner_invoice_id),
      invoiceDate: input.invoiceDate,
      amountUntaxed: Number(so.amount_untaxed),
      amountTax: Number(so.amount_tax),
      currency: cur.name,
      userId: (so.user_id as number | null) ?? undefined,
      invoiceOrigin: String(so.name),
      state: input.state ?? 'posted',
      paymentState: input.paymentState,
      at: input.at,
    });
    await this.write('sale_order', orderId, { invoice_status: 'invoiced' }, input.at);
    return id;
  }

  /** action_post: a draft gets its sequence name and raises the customer's rank. */
  async post(id: number, at?: string): Promise<void> {
    const m = (await this.knex('account_move').where({ id }).first()) as Row;
    const prefix = `${m.move_type === 'out_refund' ? 'RINV' : 'INV'}/${String(m.invoice_date).slice(0, 4)}/`;
    const name = this.nextName(prefix, 5);
    await this.write(
      'account_move',
      id,
      {
        state: 'posted',
        posted_before: true,
        name,
        sequence_prefix: prefix,
        sequence_number: Number(name.slice(prefix.length)),
      },
      at,
    );
    await this.increaseRank(Number(m.partner_id));
  }

  async cancelMove(id: number, at?: string): Promise<void> {
    await this.write('account_move', id, { state: 'cancel' }, at);
  }

  /** button_draft: a posted entry back to draft (posted_before stays true). */
  async resetToDraft(id: number, at?: string): Promise<void> {
    await this.write('account_move', id, { state: 'draft' }, at);
  }

  /** A credit note reversing a posted invoice in full: both end up payment_state 'reversed'/'paid'. */
  async reverse(id: number, input: { date: string; at?: string }): Promise<number> {
    const m = (await this.knex('account_move').where({ id }).first()) as Row;
    const cur = (await this.knex('res_currency').where({ id: m.currency_id }).first('name')) as {
      name: string;
    };
    const refund = await this.addInvoice({
      partnerId: Number(m.partner_id),
      invoiceDate: input.date,
      amountUntaxed: Number(m.amount_untaxed),
      amountTax: Number(m.amount_tax),
      moveType: 'out_refund',
      currency: cur.name,
      userId: (m.invoice_user_id as number | null) ?? undefined,
      invoiceOrigin: (m.invoice_origin as string | null) ?? undefined,
      reversedEntryId: id,
      state: 'posted',
      paymentState: 'paid',
      at: input.at,
    });
    await this.write(
      'account_move',
      id,
      { payment_state: 'reversed', amount_residual: 0, amount_residual_signed: 0 },
      input.at,
    );
    return refund;
  }
}

/** Creates the Odoo tables and base data; returns the seeder. */
export async function createOdooDb(knex: Knex, clock?: ClockOptions): Promise<OdooSeeder> {
  for (const sql of DDL) await knex.raw(sql);
  const seed = new OdooSeeder(knex, clock);
  await seed.init();
  return seed;
}

/**
 * A knex for a PostgreSQL URL. `timestamp` comes back as text, so write_date keeps its
 * microseconds (a JS Date would drop them, and a cursor saved from it would re-read the row).
 */
export function odooKnex(url: string): Knex {
  const u = new URL(url);
  return knexFactory({
    client: 'pg',
    connection: {
      host: u.hostname,
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username || 'postgres'),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === 1114 || oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format),
      },
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: 4 },
  });
}

export type TestOdooDb = TestSourceDb<OdooSeeder>;

/** A fresh Odoo database on the target's PostgreSQL server. */
export async function freshOdooDb(target: EngineTarget, clock?: ClockOptions): Promise<TestOdooDb> {
  if (target.engine !== 'postgres') throw new Error('Odoo runs on PostgreSQL');
  return freshSourceDb(target, odooKnex, (knex) => createOdooDb(knex, clock));
}
