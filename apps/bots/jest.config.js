module.exports = { ...require('../../jest.preset'), displayName: 'bots' };
