export { SqliteAdapter } from './adapter.js';
