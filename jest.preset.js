// Shared by every project's jest.config.js: SWC transpiles TypeScript (type-checking is
// `npm run typecheck`'s job), with the decorator metadata NestJS dependency injection needs.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@rekey/(.*)$': '<rootDir>/../../libs/$1/src/index.ts' },
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
