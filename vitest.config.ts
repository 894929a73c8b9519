import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/**/*.test.ts',
      'api/**/*.test.ts',
      'workflow/**/*.test.ts',
      'dispatcher/**/*.test.ts',
      'monitors/**/*.test.ts',
      'domain/**/*.test.ts',
      'commands/**/*.test.ts',
      'projections/**/*.test.ts',
      'channels/**/*.test.ts',
      'infra/**/*.test.ts',
      'app/**/*.test.ts',
      'simulator/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel in forks, but not so many that RabbitMQ tests starve each other.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
