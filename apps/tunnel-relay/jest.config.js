module.exports = { ...require('../../jest.preset'), displayName: 'tunnel-relay' };
