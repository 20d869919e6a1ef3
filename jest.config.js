export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2023',
        keepClassNames: true,
      },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    }],
  },
  // a deadline, never a wait (every wait polls with its own deadline): generous, because CI may run on a machine two to
  // three times slower, and a suite's start (its own PostgreSQL, migrations, Chromium) took over 60 s under heavy load
  testTimeout: 300000,
  maxWorkers: 2,
  // a suite whose database was stopped on purpose can leave a pool timer behind; never let that hang CI
  forceExit: true,
};
