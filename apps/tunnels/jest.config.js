module.exports = { ...require('../../jest.preset'), displayName: 'tunnels' };
