export { SqliteAdapter } from './engine.js';
