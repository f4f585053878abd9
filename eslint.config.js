import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** The layers (DESIGN.md): connectors and transforms know nothing of the warehouse or the pipelines. */
const LAYER_IMPORTS = {
  group: ['**/warehouse/**', '**/pipelines/**'],
  message: 'connectors/ and transforms/ know nothing of the warehouse or the pipelines (DESIGN.md)',
};

/** SQL lives in warehouse/; the ERP connector's connection to its source is the one other place. */
const KNEX_IMPORT = {
  name: 'knex',
  message: 'Only warehouse/ (and connectors/erp/source-db.ts) speak SQL: call a warehouse function',
  allowTypeImports: true,
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Type-aware: a promise nobody awaits loses its error (and its ordering).
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    files: ['connectors/**/*.ts', 'transforms/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [KNEX_IMPORT], patterns: [LAYER_IMPORTS] },
      ],
    },
  },
  {
    files: ['pipelines/**/*.ts', 'lib/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [KNEX_IMPORT] }] },
  },
  {
    files: ['connectors/erp/source-db.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/pipelines/**'], message: LAYER_IMPORTS.message }] },
      ],
    },
  },
  {
    // identity's shared shapes: implementations import them, never the reverse.
    files: ['transforms/identity/types/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*'], message: 'transforms/identity/types/ imports only types/.' }] },
      ],
    },
  },
);
