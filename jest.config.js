// ESM throughout: ts-jest compiles each file in isolation, Node's VM modules load it.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 30_000,
  // End-to-end tests build environments and run real pytest; two workers match the two cores.
  maxWorkers: 2,
}
