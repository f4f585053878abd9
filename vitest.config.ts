import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // The shared warehouse suite talks to real PostgreSQL and MariaDB servers; files run in
    // parallel but each engine test uses its own database/schema, so they do not collide.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
