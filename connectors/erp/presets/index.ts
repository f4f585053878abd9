import type { ErpPreset } from '../spec.js';
import { ERPNEXT } from './erpnext.js';
import { ODOO } from './odoo.js';

/** Presets by the name a config's `preset:` uses. */
export const PRESETS: Readonly<Record<string, ErpPreset>> = Object.freeze({ erpnext: ERPNEXT, odoo: ODOO });
