import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The SDK warns that releases from 2027 need Node 22; Lambda runs 22, these machines 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const shared = {
  setupFiles: ['test/support/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks',
  // The handlers log nothing and publish no metrics under test (Powertools reads these when a
  // handler module is first imported): a test reads the table and the inboxes, not the logs.
  env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
} satisfies TestProjectInlineConfiguration['test'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'app',
          include: ['test/**/*.test.ts'],
          exclude: ['test/infra/**', '**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        // One file per construct, one synthesis for all of them: the files share their worker's
        // modules (test/support/synth.ts caches the synthesized stack), and need no DynamoDB Local.
        test: { ...shared, name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false },
      },
    ],
  },
});
