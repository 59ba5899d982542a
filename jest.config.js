// Jest in ESM mode (run with --experimental-vm-modules, see package.json), in
// two projects. Unit tests (*.unit.test.ts) need nothing started. Every other
// test is an integration test: those share one PostgreSQL server started by
// the integration project's global setup, each test with its own database.
// Jest runs a project's global setup only when one of its tests is selected,
// so `npm run test:unit` (or any run of unit tests alone) starts nothing.
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  // The version fixtures hold installed projects of their own (see scripts/install-fixtures.mjs).
  modulePathIgnorePatterns: ['<rootDir>/.tmp/', '<rootDir>/dist/', '<rootDir>/__tests__/fixtures/versions/'],
  setupFilesAfterEnv: ['./__tests__/helpers/sql-parser.ts']
}
const ignored = ['/node_modules/', '/.tmp/']

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/__tests__/**/*.unit.test.ts'],
      testPathIgnorePatterns: ignored
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: [...ignored, '\\.unit\\.test\\.ts$'],
      globalSetup: './__tests__/helpers/global-setup.mjs',
      globalTeardown: './__tests__/helpers/global-teardown.mjs'
    }
  ],
  testTimeout: 180000,
  maxWorkers: 4
}
