export { MysqlAdapter } from './adapter.js';
