/**
 * Odoo on PostgreSQL.
 *
 * Table and column names are Odoo's own (a model `a.b` is the table `a_b`; every table has an
 * integer `id` primary key and `create_date` / `write_date` timestamps in UTC), read from the
 * model definitions in odoo/odoo:
 *   odoo/addons/base/models/res_partner.py, res_users.py, res_country.py, res_currency.py
 *   addons/account/models/partner.py (customer_rank), addons/account/models/account_move.py
 *   addons/sale/models/sale_order.py, sale_order_line.py
 *   addons/sale_margin/models/sale_order_line.py (purchase_price)
 *
 * Written for Odoo 16–18 (and 19 where noted): columns that only some versions or modules have
 * are read through `to_jsonb(row) ->> 'col'`, which is NULL where the column does not exist —
 * `res_partner.mobile` (gone in 19) and `sale_order_line.purchase_price` (only with sale_margin).
 *
 * Incremental reads follow `write_date`, which the ORM sets on every write, recomputed stored
 * fields included (an order's totals when its lines change, a contact's commercial_company_name
 * when its company is renamed). Not seen until the row itself changes: a salesperson's new name.
 * Odoo does not index write_date; each batch sorts the rows after the cursor.
 *
 * Keys: partners are staged under their bare id (as Odoo shows it), and orders and invoices
 * refer to them by that id; sale orders and invoices share stg_order, so their keys are
 * prefixed `order:` and `invoice:`.
 */
import type { ErpPreset, ErpStreamSpec } from '../spec.js';

/** The name of a res_users row, kept on its partner. */
const userName = (userId: string): string =>
  `(SELECT up.name FROM res_users u JOIN res_partner up ON up.id = u.partner_id WHERE u.id = ${userId})`;

/**
 * Partners: every person and organisation, except the own companies' partners and internal
 * users' partners (partner_share = false: employees), and except delivery/invoice addresses —
 * only `contact` partners, or partners that are their own commercial entity.
 * Not filtered on customer_rank, deliberately: Odoo raises the rank with a raw UPDATE when an
 * invoice is posted, without touching write_date, so a partner that becomes a customer after
 * the cursor has passed it would never be read. Vendors are therefore staged too, with
 * customer_rank and supplier_rank in the attributes for whoever wants to tell them apart.
 * Orders point at the commercial partner, which this always includes.
 * Archived partners (active = false) are staged as well, `active` in the attributes: their
 * orders stay staged, and a stream can't retract a row it has staged.
 * A company is `company`; a person is `full_name`, with the company they belong to (commercial
 * partner) or the free-text company_name as `company`. vat '/' means "no tax id" in Odoo.
 */
const partners: ErpStreamSpec = {
  name: 'partners',
  stream: 'contact',
  key: 'id',
  cursor: 'write_date',
  engines: ['postgres'],
  sql: `SELECT
  p.id,
  p.write_date,
  CASE WHEN p.is_company THEN NULL ELSE p.name END AS full_name,
  CASE WHEN p.is_company THEN p.name
       WHEN cp.id <> p.id THEN cp.name
       ELSE NULLIF(p.company_name, '') END AS company,
  NULLIF(p.email, '') AS email,
  COALESCE(NULLIF(p.phone, ''), NULLIF(to_jsonb(p) ->> 'mobile', '')) AS phone,
  NULLIF(NULLIF(p.vat, ''), '/') AS vat,
  NULLIF(concat_ws(', ', NULLIF(p.street, ''), NULLIF(p.street2, '')), '') AS street,
  NULLIF(p.city, '') AS city,
  NULLIF(p.zip, '') AS zip,
  st.name AS state,
  c.code AS country_code,
  ${userName('COALESCE(p.user_id, cp.user_id)')} AS salesperson,
  p.is_company,
  p.active,
  p.type,
  p.ref,
  p.parent_id,
  p.commercial_partner_id,
  p.customer_rank,
  p.supplier_rank,
  p.function,
  p.lang
FROM res_partner p
LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
LEFT JOIN res_country c ON c.id = p.country_id
LEFT JOIN res_country_state st ON st.id = p.state_id
WHERE (p.type = 'contact' OR p.commercial_partner_id = p.id)
  AND p.partner_share IS NOT FALSE
  AND NOT EXISTS (SELECT 1 FROM res_company rc WHERE rc.partner_id = p.id)`,
  columns: {
    full_name: 'full_name',
    company: 'company',
    email: 'email',
    phone: 'phone',
    vat: 'tax_id',
    street: 'street',
    city: 'city',
    zip: 'postcode',
    state: 'region',
    country_code: 'country',
    salesperson: 'owner',
  },
};

/**
 * Confirmed sale orders (state 'sale'; 'done' = locked, Odoo ≤ 16) and cancelled ones (status
 * 'Cancelled', which the marts exclude); quotations ('draft', 'sent') are not orders and are
 * skipped — once confirmed, their write_date moves and they are read then. The customer is the
 * order partner's commercial partner, so a contact person's orders count for their company.
 * Credit notes of the order's invoices are not netted into it (they link to the order through
 * invoice lines, which this preset does not read): a cancelled order drops out, a refunded one
 * still counts. Amount: amount_untaxed in the order currency — net of tax like the cost, so the margin is not
 * inflated by VAT (amount_total stays in attributes). Cost: Σ purchase_price × product_uom_qty over the
 * product lines (sale_margin's purchase_price is per line unit, in the order currency); NULL
 * without sale_margin.
 */
const saleOrders: ErpStreamSpec = {
  name: 'sale_orders',
  stream: 'order',
  key: 'id',
  keyPrefix: 'order:',
  cursor: 'write_date',
  engines: ['postgres'],
  sql: `SELECT
  so.id,
  so.write_date,
  p.commercial_partner_id::text AS customer_id,
  to_char(so.date_order, 'YYYY-MM-DD') AS order_date,
  so.amount_total,
  (SELECT round(SUM((to_jsonb(l) ->> 'purchase_price')::numeric * l.product_uom_qty), 2)
     FROM sale_order_line l
    WHERE l.order_id = so.id AND l.display_type IS NULL) AS cost,
  cur.name AS currency,
  CASE so.state WHEN 'cancel' THEN 'Cancelled' WHEN 'done' THEN 'Locked' ELSE 'Sales Order' END AS status,
  ${userName('so.user_id')} AS salesperson,
  so.name AS order_name,
  so.state,
  so.amount_untaxed,
  so.invoice_status,
  so.client_order_ref,
  so.origin
FROM sale_order so
JOIN res_partner p ON p.id = so.partner_id
LEFT JOIN res_currency cur ON cur.id = so.currency_id
WHERE so.state IN ('sale', 'done', 'cancel')`,
  columns: {
    customer_id: 'customer_source_key',
    order_date: 'order_date',
    amount_untaxed: 'amount',
    cost: 'cost',
    currency: 'currency',
    status: 'status',
    salesperson: 'owner',
  },
};

/** Σ untaxed amount of the posted credit notes reversing invoice `alias`. */
const refunded = (alias: string): string =>
  `COALESCE((SELECT SUM(r.amount_untaxed) FROM account_move r
              WHERE r.reversed_entry_id = ${alias}.id AND r.move_type = 'out_refund' AND r.state = 'posted'), 0)`;

/**
 * Customer invoices and credit notes (move_type out_invoice / out_refund) that are posted, or
 * cancelled (status 'Cancelled'); drafts are skipped, except a posted invoice reset to draft
 * (posted_before): it is staged again as 'Cancelled: reset to draft', so it stops counting until
 * it is posted again. An invoice made from a sale order is already counted through that order,
 * so only invoices whose invoice_origin names no sale order of the same company are staged
 * (direct invoices, subscriptions, imports…). Amounts are untaxed, as for sale orders. Credit
 * notes get status 'Return' and a negative amount, which the marts leave out; instead the
 * invoice they reverse (reversed_entry_id) is netted: its amount less the posted credit notes,
 * 'Refunded' when nothing is left (or payment_state 'reversed'). Odoo re-saves the invoice when
 * the credit note is reconciled with it, which is when the netting is read. Otherwise the
 * status is the payment_state (not_paid, partial, in_payment, paid). No cost: an invoice carries
 * no purchase price (cost stays NULL, so no margin is claimed for it).
 */
const invoices: ErpStreamSpec = {
  name: 'invoices',
  stream: 'order',
  key: 'id',
  keyPrefix: 'invoice:',
  cursor: 'write_date',
  engines: ['postgres'],
  sql: `SELECT
  m.id,
  m.write_date,
  p.commercial_partner_id::text AS customer_id,
  to_char(COALESCE(m.invoice_date, m.date), 'YYYY-MM-DD') AS invoice_date,
  CASE WHEN m.move_type = 'out_refund' THEN -m.amount_total ELSE m.amount_total END AS amount_total,
  cur.name AS currency,
  CASE WHEN m.state = 'cancel' THEN 'Cancelled'
       WHEN m.state = 'draft' THEN 'Cancelled: reset to draft'
       WHEN m.move_type = 'out_refund' THEN 'Return'
       WHEN m.payment_state = 'reversed' OR m.amount_untaxed - ${refunded('m')} <= 0 THEN 'Refunded'
       ELSE m.payment_state END AS status,
  ${userName('m.invoice_user_id')} AS salesperson,
  m.name AS invoice_name,
  m.move_type,
  m.state,
  CASE WHEN m.move_type = 'out_refund' THEN -m.amount_untaxed ELSE m.amount_untaxed END AS amount_untaxed,
  CASE WHEN m.move_type = 'out_refund' THEN -m.amount_untaxed
       ELSE m.amount_untaxed - ${refunded('m')} END AS net_amount,
  m.amount_residual,
  m.invoice_origin,
  m.reversed_entry_id,
  m.ref
FROM account_move m
JOIN res_partner p ON p.id = m.partner_id
LEFT JOIN res_currency cur ON cur.id = m.currency_id
WHERE m.move_type IN ('out_invoice', 'out_refund')
  AND (m.state IN ('posted', 'cancel') OR (m.state = 'draft' AND (to_jsonb(m) ->> 'posted_before')::boolean))
  AND NOT EXISTS (SELECT 1 FROM sale_order so
                   WHERE so.company_id = m.company_id
                     AND so.name = ANY (string_to_array(replace(m.invoice_origin, ' ', ''), ',')))`,
  columns: {
    customer_id: 'customer_source_key',
    invoice_date: 'order_date',
    net_amount: 'amount',
    currency: 'currency',
    status: 'status',
    salesperson: 'owner',
  },
};

export const ODOO: ErpPreset = {
  name: 'odoo',
  description:
    'Odoo on PostgreSQL: customer partners (companies and their people), confirmed and cancelled sale ' +
    'orders with cost from sale_margin, and posted customer invoices and credit notes not made from a ' +
    'sale order',
  streams: [partners, saleOrders, invoices],
};
