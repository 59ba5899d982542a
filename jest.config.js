// Jest in ESM mode (run with --experimental-vm-modules, see package.json).
// Integration tests share one PostgreSQL server started by the global setup,
// each test with its own database.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.tmp/'],
  // The version fixtures hold installed projects of their own (see scripts/install-fixtures.mjs).
  modulePathIgnorePatterns: ['<rootDir>/.tmp/', '<rootDir>/dist/', '<rootDir>/__tests__/fixtures/versions/'],
  globalSetup: './__tests__/helpers/global-setup.mjs',
  setupFilesAfterEnv: ['./__tests__/helpers/sql-parser.ts'],
  globalTeardown: './__tests__/helpers/global-teardown.mjs',
  testTimeout: 180000,
  maxWorkers: 4
}
