module.exports = { ...require('../../jest.preset'), displayName: 'chat-rooms' };
