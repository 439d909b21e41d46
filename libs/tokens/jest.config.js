module.exports = { ...require('../../jest.preset'), displayName: 'tokens' };
