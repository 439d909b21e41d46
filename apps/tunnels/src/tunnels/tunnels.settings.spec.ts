import { ConfigError } from '@rekey/platform';
import { TunnelsSettings } from './tunnels.settings';

describe('TunnelsSettings', () => {
  it('defaults the open-tunnel limit to 1000 and reads REKEY_TUNNELS_MAX_OPEN', () => {
    expect(TunnelsSettings.fromEnv({}).maxOpenTunnels).toBe(1000);
    expect(TunnelsSettings.fromEnv({ REKEY_TUNNELS_MAX_OPEN: '' }).maxOpenTunnels).toBe(1000);
    expect(TunnelsSettings.fromEnv({ REKEY_TUNNELS_MAX_OPEN: '25' }).maxOpenTunnels).toBe(25);
  });

  it.each(['0', '-1', '2.5', 'ten', '1e3', '1000001'])('refuses REKEY_TUNNELS_MAX_OPEN=%s with one configuration line', (value) => {
    expect(() => TunnelsSettings.fromEnv({ REKEY_TUNNELS_MAX_OPEN: value })).toThrow(ConfigError);
    expect(() => TunnelsSettings.fromEnv({ REKEY_TUNNELS_MAX_OPEN: value })).toThrow('REKEY_TUNNELS_MAX_OPEN must be an integer from 1 to 1000000');
  });
});
