module.exports = { ...require('../../jest.preset'), displayName: 'tunnel-protocol' };
