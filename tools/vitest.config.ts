// Test tiers of STYLE.md §4. Every tier runs on `npm test`; only the redis tier is serial.
import { defineConfig } from 'vitest/config';

const tier = (name: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name === 'interop' ? 'interop' : name}/**/*.test.ts`], ...extra },
});

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      tier('unit'),
      tier('conformance'),
      tier('golden'),
      tier('property', { testTimeout: 60_000 }),
      tier('integration', { testTimeout: 30_000 }),
      tier('redis', { testTimeout: 120_000, sequence: { concurrent: false }, fileParallelism: false }),
      tier('interop', { testTimeout: 120_000, fileParallelism: false }),
    ],
  },
});
