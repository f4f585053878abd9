// Pure normalization functions: display values for staging and keys for identity resolution.
export * from './parsed.js';
export * from './text.js';
export * from './names.js';
export { fixNameTokenCase, titleCaseToken } from './name-case.js';
export * from './translit.js';
export * from './phone.js';
export * from './email.js';
export * from './dates.js';
export * from './date-partial.js';
export * from './numbers.js';
export * from './company.js';
export * from './company-in-name.js';
export * from './taxid.js';
