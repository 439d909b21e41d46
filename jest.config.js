// One run for every project; the global setup brings the real Kafka and MongoDB up once.
const { transform } = require('./jest.preset');

module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js', '<rootDir>/tools/jest.config.js'],
  transform,
  // A global option: integration tests wait on real servers.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
};
