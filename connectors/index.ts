/**
 * Every connector, by the name a source's `connector:` gives. Adding one: a folder under
 * connectors/ exporting its config schema and its Connector, and a line in each table here.
 *
 * Validating a config needs every connector's schema, so those are loaded with this module; a
 * connector itself (its readers, parsers and their libraries) is loaded only when a command uses
 * it: a run of a mailbox does not load the spreadsheet, ERP and web-form code, nor they its.
 */
import { ConfigError } from '../lib/errors.js';
import type { Connector, SourceConfigBase } from './contract.js';
import { EmailSourceSchema } from './email/config.js';
import type { emailConnector } from './email/connector.js';
import { ErpSourceSchema } from './erp/config.js';
import type { erpConnector } from './erp/connector.js';
import { SpreadsheetSourceSchema } from './spreadsheet/config.js';
import type { spreadsheetConnector } from './spreadsheet/connector.js';
import { WebformSourceSchema } from './webform/config.js';
import type { webformConnector } from './webform/connector.js';

interface Connectors {
  spreadsheet: typeof spreadsheetConnector;
  erp: typeof erpConnector;
  email: typeof emailConnector;
  webform: typeof webformConnector;
}

export type ConnectorKind = keyof Connectors;

const LOADERS: { readonly [K in ConnectorKind]: () => Promise<Connectors[K]> } = Object.freeze({
  spreadsheet: async () => (await import('./spreadsheet/connector.js')).spreadsheetConnector,
  erp: async () => (await import('./erp/connector.js')).erpConnector,
  email: async () => (await import('./email/connector.js')).emailConnector,
  webform: async () => (await import('./webform/connector.js')).webformConnector,
});

/** Each connector's part of a source's config (the connector validates it with this schema too). */
export const CONFIG_SCHEMAS = Object.freeze({
  spreadsheet: SpreadsheetSourceSchema,
  erp: ErpSourceSchema,
  email: EmailSourceSchema,
  webform: WebformSourceSchema,
} as const);

export const CONNECTOR_KINDS = Object.freeze(Object.keys(LOADERS) as ConnectorKind[]);

/** The config of a source of any registered connector. */
export type AnySourceConfig = {
  [K in ConnectorKind]: Connectors[K] extends Connector<infer C> ? C : never;
}[ConnectorKind];

/** The connector of that name, loaded on first use. */
export async function connectorFor(kind: string): Promise<Connector<SourceConfigBase>> {
  const load = (LOADERS as unknown as Record<string, () => Promise<Connector<never>>>)[kind];
  if (!Object.hasOwn(LOADERS, kind) || !load) {
    throw new ConfigError(`Unknown connector '${kind}'`, {
      hint: `Connectors: ${CONNECTOR_KINDS.join(', ')}`,
    });
  }
  return (await load()) as unknown as Connector<SourceConfigBase>;
}

/** Every connector, loaded (`import` asks each which files it reads). */
export async function allConnectors(): Promise<Array<Connector<SourceConfigBase>>> {
  return Promise.all(CONNECTOR_KINDS.map(connectorFor));
}
