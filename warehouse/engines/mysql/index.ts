import type { Engine } from '../engine.js';
import { MysqlAdapter, MYSQL_LABEL } from './adapter.js';
import { sourceConnection } from './connection.js';
import { mysqlErrors } from './errors.js';

export const mysql: Engine = Object.freeze({
  name: 'mysql',
  label: MYSQL_LABEL,
  createAdapter: () => new MysqlAdapter(),
  errors: mysqlErrors,
  sourceConnection,
});

export { MysqlAdapter };
