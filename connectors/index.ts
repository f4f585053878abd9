/**
 * Every connector, by the name a source's `connector:` gives. Adding one: a folder under
 * connectors/ exporting its Connector, and one line here.
 */
import { ConfigError } from '../lib/errors.js';
import type { Connector, SourceConfigBase } from './contract.js';
import { emailConnector } from './email/connector.js';
import { erpConnector } from './erp/connector.js';
import { spreadsheetConnector } from './spreadsheet/connector.js';
import { webformConnector } from './webform/connector.js';

export const CONNECTORS = Object.freeze({
  spreadsheet: spreadsheetConnector,
  erp: erpConnector,
  email: emailConnector,
  webform: webformConnector,
} as const);

export type ConnectorKind = keyof typeof CONNECTORS;

/** The config of a source of any registered connector. */
export type AnySourceConfig = {
  [K in ConnectorKind]: (typeof CONNECTORS)[K] extends Connector<infer C> ? C : never;
}[ConnectorKind];

export function connectorFor(kind: string): Connector<SourceConfigBase> {
  const connector = (CONNECTORS as unknown as Record<string, Connector<never>>)[kind];
  if (!connector) {
    throw new ConfigError(`Unknown connector '${kind}'`, {
      hint: `Connectors: ${Object.keys(CONNECTORS).join(', ')}`,
    });
  }
  return connector as unknown as Connector<SourceConfigBase>;
}
