/**
 * Tests run as CommonJS through @swc/jest (the same SWC that Temporal's workflow bundler uses);
 * type checking is `npm run typecheck`, not the test runner's job. See docs/decisions.md.
 *
 * Two tiers: `unit` (files named *.unit.test.ts: no PostgreSQL, no Temporal server, no OCR models —
 * `npm run test:unit`) and `integration` (the rest, against the real services the global setup
 * starts). `npm test` runs both.
 */
const shared = {
  testEnvironment: '<rootDir>/test/helpers/environment.js',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    // ESM-only packages (see docs/decisions.md) are compiled to CommonJS for jest's runtime.
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(mrz)/)'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.unit\\.test\\.ts$'],
      // Started only when an integration test runs (a project's global setup belongs to it).
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
  forceExit: false,
};
