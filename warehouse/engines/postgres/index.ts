export { PostgresAdapter } from './adapter.js';
