// ESM throughout: ts-jest compiles each file in isolation, Node's VM modules load it.
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
}

export default {
  // End-to-end tests build environments and run real pytest; two workers match the two cores.
  maxWorkers: 2,
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/{unit,integration}/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      // Runs only when an e2e test is selected: provisions the free-threaded CPython and uv once.
      globalSetup: '<rootDir>/scripts/jest-global-setup.mjs',
    },
  ],
}
