export { MysqlAdapter } from './engine.js';
