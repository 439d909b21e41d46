module.exports = { ...require('../../jest.preset'), displayName: 'aws-protocol' };
