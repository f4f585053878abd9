/**
 * ERPNext (Frappe framework) on MariaDB — and on SQLite for the demo, which keeps ERPNext's shape.
 *
 * Table and column names are ERPNext's own, read from the DocType definitions (a DocType `X` is
 * the table `tabX`; every table has `name` varchar(140) primary key, `creation`, `modified`
 * datetime(6), `modified_by`, `owner`, `docstatus` 0 draft / 1 submitted / 2 cancelled, `idx`;
 * child tables add `parent`, `parentfield`, `parenttype`):
 *   frappe/erpnext  erpnext/selling/doctype/customer/customer.json
 *                   erpnext/selling/doctype/sales_team/sales_team.json
 *                   erpnext/accounts/doctype/sales_invoice/sales_invoice.json
 *                   erpnext/accounts/doctype/sales_invoice_item/sales_invoice_item.json
 *                   erpnext/stock/doctype/item/item.json
 *   frappe/frappe   frappe/contacts/doctype/contact/contact.json, contact_email/, contact_phone/,
 *                   frappe/contacts/doctype/address/address.json,
 *                   frappe/core/doctype/dynamic_link/dynamic_link.json, frappe/core/doctype/user/
 *
 * The SQL runs unchanged on MariaDB and SQLite: backtick-quoted identifiers, portable functions
 * only, correlated subqueries instead of GROUP BY (so the wrapper's cursor predicate on
 * `modified` reaches the base table's `modified` index), dates cast to text.
 *
 * Incremental reads follow `modified`. Frappe saves a document's child rows (emails, phones,
 * links, invoice items, sales team) together with the parent and bumps the parent's `modified`,
 * so child-table changes are seen. Not seen until the parent changes: edits to *other* documents
 * a row looks up (an Address, a User's full name, an Item's valuation rate).
 */
import type { ErpPreset, ErpStreamSpec } from '../spec.js';

/** The first sales person of a document's Sales Team (child table shared by customers and invoices). */
const salesPerson = (alias: string, doctype: string): string =>
  `(SELECT st.\`sales_person\` FROM \`tabSales Team\` st
     WHERE st.\`parent\` = ${alias}.\`name\` AND st.\`parenttype\` = '${doctype}'
     ORDER BY st.\`idx\` LIMIT 1)`;

/**
 * Customers. Every customer is staged, disabled ones too (`disabled` goes to attributes): a
 * disabled customer still owns the invoices already staged, and a stream can't retract a row
 * it has staged, so filtering on a flag that can flip would leave stale records behind.
 * customer_name is the organisation for Company (and Partnership…) customers and the person's
 * full name for Individuals. The owner is the first Sales Team member, else the account
 * manager's full name (a User link).
 */
const customers: ErpStreamSpec = {
  name: 'customers',
  stream: 'contact',
  key: 'name',
  cursor: 'modified',
  engines: ['mysql', 'sqlite'],
  sql: `SELECT
  c.\`name\`,
  c.\`modified\`,
  c.\`creation\`,
  CASE WHEN c.\`customer_type\` = 'Individual' THEN NULL ELSE c.\`customer_name\` END AS \`company\`,
  CASE WHEN c.\`customer_type\` = 'Individual' THEN c.\`customer_name\` ELSE NULL END AS \`full_name\`,
  NULLIF(c.\`tax_id\`, '') AS \`tax_id\`,
  NULLIF(c.\`email_id\`, '') AS \`email_id\`,
  NULLIF(c.\`mobile_no\`, '') AS \`mobile_no\`,
  c.\`customer_group\`,
  c.\`territory\`,
  a.\`address_line1\`,
  a.\`city\`,
  a.\`pincode\`,
  a.\`country\`,
  COALESCE(${salesPerson('c', 'Customer')}, u.\`full_name\`, c.\`account_manager\`) AS \`sales_owner\`,
  c.\`customer_type\`,
  c.\`disabled\`,
  c.\`is_internal_customer\`,
  c.\`default_currency\`,
  c.\`customer_primary_contact\`
FROM \`tabCustomer\` c
LEFT JOIN \`tabAddress\` a ON a.\`name\` = c.\`customer_primary_address\`
LEFT JOIN \`tabUser\` u ON u.\`name\` = c.\`account_manager\``,
  columns: {
    company: 'company',
    full_name: 'full_name',
    tax_id: 'tax_id',
    email_id: 'email',
    mobile_no: 'phone',
    customer_group: 'customer_group',
    territory: 'region',
    address_line1: 'street',
    city: 'city',
    pincode: 'postcode',
    country: 'country',
    sales_owner: 'owner',
    creation: 'source_created_at',
  },
};

/**
 * Contact persons. Email and phone come from the child tables (the primary row first, then the
 * first by position), falling back to the Contact's own read-only copies. The company is the
 * linked Customer's name when that customer is an organisation (an Individual customer's name is
 * the person), else the free-text company_name; the linked customer id goes to attributes.
 * Staged: contacts linked to a Customer or to a prospective one (Lead, Prospect, Opportunity —
 * like the web-form leads other sources stage), and unlinked contacts (they may be anybody's);
 * contacts linked only to suppliers, sales partners, employees, the own company… are skipped.
 * Links are child rows saved with the contact, so a new link moves the contact's `modified`.
 * Keys get the prefix `contact:` so they never collide with customer names in stg_contact.
 */
const customerLink = (what: string, extra = ''): string =>
  `(SELECT ${what} FROM \`tabDynamic Link\` dl
     JOIN \`tabCustomer\` cu ON cu.\`name\` = dl.\`link_name\`
     WHERE dl.\`parent\` = c.\`name\` AND dl.\`parenttype\` = 'Contact'
       AND dl.\`link_doctype\` = 'Customer'${extra}
     ORDER BY dl.\`idx\` LIMIT 1)`;

const contacts: ErpStreamSpec = {
  name: 'contacts',
  stream: 'contact',
  key: 'name',
  keyPrefix: 'contact:',
  cursor: 'modified',
  engines: ['mysql', 'sqlite'],
  sql: `SELECT
  c.\`name\`,
  c.\`modified\`,
  c.\`first_name\`,
  c.\`middle_name\`,
  c.\`last_name\`,
  c.\`full_name\`,
  COALESCE(
    (SELECT e.\`email_id\` FROM \`tabContact Email\` e
      WHERE e.\`parent\` = c.\`name\` AND e.\`parenttype\` = 'Contact' AND e.\`email_id\` <> ''
      ORDER BY e.\`is_primary\` DESC, e.\`idx\` LIMIT 1),
    NULLIF(c.\`email_id\`, '')) AS \`email\`,
  COALESCE(
    (SELECT p.\`phone\` FROM \`tabContact Phone\` p
      WHERE p.\`parent\` = c.\`name\` AND p.\`parenttype\` = 'Contact' AND p.\`phone\` <> ''
      ORDER BY p.\`is_primary_mobile_no\` DESC, p.\`is_primary_phone\` DESC, p.\`idx\` LIMIT 1),
    NULLIF(c.\`mobile_no\`, ''),
    NULLIF(c.\`phone\`, '')) AS \`phone\`,
  COALESCE(${customerLink('cu.`customer_name`', " AND cu.`customer_type` <> 'Individual'")},
    NULLIF(c.\`company_name\`, '')) AS \`company\`,
  ${customerLink('cu.`name`')} AS \`customer\`,
  c.\`designation\`,
  c.\`department\`,
  c.\`status\`,
  c.\`is_primary_contact\`,
  c.\`unsubscribed\`
FROM \`tabContact\` c
WHERE EXISTS (SELECT 1 FROM \`tabDynamic Link\` l
               WHERE l.\`parent\` = c.\`name\` AND l.\`parenttype\` = 'Contact'
                 AND l.\`link_doctype\` IN ('Customer', 'Lead', 'Prospect', 'Opportunity'))
   OR NOT EXISTS (SELECT 1 FROM \`tabDynamic Link\` l
                   WHERE l.\`parent\` = c.\`name\` AND l.\`parenttype\` = 'Contact')`,
  columns: {
    first_name: 'first_name',
    middle_name: 'middle_name',
    last_name: 'last_name',
    full_name: 'full_name',
    email: 'email',
    phone: 'phone',
    company: 'company',
  },
};

/** Cost of goods of one invoice `alias`, in its currency (see the invoices stream below). */
const goodsCost = (alias: string): string =>
  `(SELECT SUM(sii.\`stock_qty\` *
                CASE WHEN sii.\`incoming_rate\` > 0 THEN sii.\`incoming_rate\`
                     ELSE COALESCE(it.\`valuation_rate\`, 0) END)
      FROM \`tabSales Invoice Item\` sii
      LEFT JOIN \`tabItem\` it ON it.\`name\` = sii.\`item_code\`
     WHERE sii.\`parent\` = ${alias}.\`name\` AND sii.\`parenttype\` = 'Sales Invoice')
    * 1.0 / COALESCE(NULLIF(${alias}.\`conversion_rate\`, 0), 1)`;

/** Σ `what` over the submitted returns (credit notes `r`) made against invoice `alias`. */
const returnsOf = (alias: string, what: string): string =>
  `(SELECT SUM(${what}) FROM \`tabSales Invoice\` r
     WHERE r.\`return_against\` = ${alias}.\`name\` AND r.\`is_return\` = 1 AND r.\`docstatus\` = 1)`;

/**
 * Sales invoices, submitted (docstatus 1) and cancelled (docstatus 2); drafts (0) are skipped —
 * a draft that is submitted later gets a newer `modified` and is read then. Status: 'Cancelled'
 * for cancelled ones, 'Return' for returns (credit notes, is_return = 1, negative totals), else
 * ERPNext's own status (Paid, Unpaid, Overdue, Credit Note Issued…); the marts exclude the first
 * two from revenue. Skipped as not sales of the period: internal transfers to the own group's
 * companies (is_internal_customer) and opening invoices (is_opening = 'Yes', balances carried
 * over from a previous system on the migration date). Both flags are set when the invoice
 * is created and never change, so filtering on them loses nothing incrementally.
 *
 * Amount is net_total (before taxes) in the invoice currency, so that it compares with the cost,
 * which carries no VAT; grand_total stays in attributes. Cost is the cost of goods sold: Σ stock_qty ×
 * the item's outgoing valuation — the row's incoming_rate where ERPNext recorded one (invoices
 * that update stock), else the Item's valuation_rate; items without a valuation (services) cost
 * 0. Valuation is in the company currency, so it is divided by the invoice's conversion_rate to
 * match the amount (× 1.0: SQLite divides integers as integers). Returns have negative
 * quantities, hence a negative cost.
 *
 * Returns are netted into the invoice they return: its amount and cost include those of the
 * submitted credit notes against it (submitting one re-saves the original, so `modified` moves
 * and the original is read again), and an invoice returned in full gets status 'Returned'. The
 * credit notes themselves are staged with status 'Return', which the marts leave out, so a
 * return is counted once, against the sale it undoes.
 */
const invoices: ErpStreamSpec = {
  name: 'invoices',
  stream: 'order',
  key: 'name',
  cursor: 'modified',
  engines: ['mysql', 'sqlite'],
  sql: `SELECT
  si.\`name\`,
  si.\`modified\`,
  si.\`customer\`,
  CAST(si.\`posting_date\` AS CHAR) AS \`posting_date\`,
  si.\`grand_total\`,
  ROUND(${goodsCost('si')} + COALESCE(${returnsOf('si', goodsCost('r'))}, 0), 2) AS \`cost\`,
  si.\`net_total\` + COALESCE(${returnsOf('si', 'r.`net_total`')}, 0) AS \`net_amount\`,
  si.\`currency\`,
  CASE WHEN si.\`docstatus\` = 2 THEN 'Cancelled'
       WHEN si.\`is_return\` = 1 THEN 'Return'
       WHEN si.\`net_total\` > 0 AND si.\`net_total\` + COALESCE(${returnsOf('si', 'r.`net_total`')}, 0) <= 0 THEN 'Returned'
       ELSE si.\`status\` END AS \`status\`,
  COALESCE(${salesPerson('si', 'Sales Invoice')},
    (SELECT COALESCE(${salesPerson('cu', 'Customer')}, us.\`full_name\`)
       FROM \`tabCustomer\` cu LEFT JOIN \`tabUser\` us ON us.\`name\` = cu.\`account_manager\`
      WHERE cu.\`name\` = si.\`customer\`)) AS \`sales_owner\`,
  si.\`customer_name\`,
  si.\`territory\`,
  si.\`customer_group\`,
  si.\`company\` AS \`selling_company\`,
  si.\`base_grand_total\`,
  si.\`conversion_rate\`,
  si.\`outstanding_amount\`,
  si.\`net_total\`,
  si.\`return_against\`,
  si.\`is_pos\`
FROM \`tabSales Invoice\` si
WHERE si.\`docstatus\` IN (1, 2)
  AND si.\`is_internal_customer\` = 0
  AND COALESCE(si.\`is_opening\`, 'No') <> 'Yes'`,
  columns: {
    customer: 'customer_source_key',
    posting_date: 'order_date',
    net_amount: 'amount',
    cost: 'cost',
    currency: 'currency',
    status: 'status',
    sales_owner: 'owner',
  },
};

export const ERPNEXT: ErpPreset = {
  name: 'erpnext',
  description:
    'ERPNext on MariaDB (or SQLite in its shape): customers and contact persons (emails and phones from ' +
    'their child tables), submitted and cancelled sales invoices with returns, and their cost of goods ' +
    'from item valuation',
  streams: [customers, contacts, invoices],
};
