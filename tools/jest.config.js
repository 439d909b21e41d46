module.exports = { ...require('../jest.preset'), displayName: 'tools', moduleNameMapper: { '^@rekey/(.*)$': '<rootDir>/../libs/$1/src/index.ts' } };
