module.exports = { ...require('../../jest.preset'), displayName: 'events' };
