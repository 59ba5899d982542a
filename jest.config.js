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
  modulePathIgnorePatterns: ['<rootDir>/.tmp/', '<rootDir>/dist/'],
  globalSetup: './__tests__/helpers/global-setup.mjs',
  setupFilesAfterEnv: ['./__tests__/helpers/sql-parser.ts'],
  globalTeardown: './__tests__/helpers/global-teardown.mjs',
  testTimeout: 180000,
  maxWorkers: 4
}
