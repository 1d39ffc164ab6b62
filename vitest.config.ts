import { defineConfig } from 'vitest/config'

// Integration tests run once per database: always on PGlite, and on Postgres when DATABASE_URL is
// set. A set but unreachable DATABASE_URL fails the run (test/support/global-setup.ts).
const integration = ['test/**/*.test.ts']
const notIntegration = ['test/bench/**', '**/node_modules/**']
// Generous: a test that is only slow on a loaded 2-core machine must not fail. Its waits
// (test/support/wait.ts, 90 s) fail first, naming what they waited for.
const INTEGRATION_TIMEOUT_MS = 180_000

export default defineConfig({
  test: {
    // Most tests wait on I/O (PGlite, Postgres, the emulator over HTTP), so more workers than
    // cores keep both cores busy; vitest's default on 2 cores is one worker.
    maxWorkers: Number(process.env.TEST_WORKERS ?? 3),
    reporters: ['default', './test/support/project-times-reporter.ts'],
    projects: [
      {
        test: {
          name: 'shared',
          include: ['shared/src/**/*.test.ts', 'backend/src/**/*.test.ts', 'demo/src/**/*.test.ts'],
          setupFiles: ['test/support/setup-console.ts'],
        },
      },
      {
        test: {
          name: 'emulator',
          include: ['emulator/src/**/*.test.ts'],
          setupFiles: ['test/support/setup-console.ts'],
          testTimeout: INTEGRATION_TIMEOUT_MS,
        },
      },
      {
        // Stripe App views rendered with @stripe/ui-extension-sdk/testing against the real backend.
        // The SDK's testing entry calls expect.extend on import, so expect must be global.
        test: {
          name: 'stripe-app',
          include: ['stripe-app/src/**/*.test.tsx', 'stripe-app/src/**/*.test.ts'],
          globals: true,
          environment: 'node',
          setupFiles: ['test/support/setup-console.ts'],
          testTimeout: INTEGRATION_TIMEOUT_MS,
          hookTimeout: INTEGRATION_TIMEOUT_MS,
        },
      },
      {
        test: {
          name: 'pglite',
          include: integration,
          exclude: notIntegration,
          env: { HOLDFAST_TEST_DB: 'pglite' },
          globalSetup: ['test/support/pglite-global-setup.ts'],
          setupFiles: ['test/support/setup-console.ts'],
          testTimeout: INTEGRATION_TIMEOUT_MS,
          hookTimeout: INTEGRATION_TIMEOUT_MS,
        },
      },
      ...(process.env.DATABASE_URL
        ? [
            {
              test: {
                name: 'postgres',
                include: integration,
                exclude: notIntegration,
                env: { HOLDFAST_TEST_DB: 'postgres' },
                globalSetup: ['test/support/global-setup.ts'],
                setupFiles: ['test/support/setup-console.ts'],
                testTimeout: INTEGRATION_TIMEOUT_MS,
                hookTimeout: INTEGRATION_TIMEOUT_MS,
              },
            },
          ]
        : []),
    ],
  },
})
