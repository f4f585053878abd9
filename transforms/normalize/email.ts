// Email: parsing/validation for the stored value, and keys/flags used only by matching.
export { normalizeEmail, unicodeDomain } from './email-parse.js';
export { emailMatchKey, isRoleAddress } from './email-match.js';
