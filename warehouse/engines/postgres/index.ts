export { PostgresAdapter } from './engine.js';
