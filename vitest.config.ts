import { defineConfig } from 'vitest/config';

// Four suites (STYLE.md): unit (pure), integration (real SQLite and PostgreSQL), server (built app over HTTP),
// e2e (headless Chromium). `npm test` runs them all after typecheck, lint and build.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          // The hostile-input suite sets its own bound per role (a few thousand requests on each dialect).
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // Tests wait on events (navigation, responses, locators), never on time; this only bounds a whole flow
          // of page loads and axe runs on a busy 2-core machine (the referral loop takes half a minute when idle and
          // two minutes under a load of 17).
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // One browser at a time keeps a 2-core machine responsive.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
