import { ConfigError } from '@rekey/platform';

const DEFAULT_MAX_OPEN = 1000;
const MAX_OPEN_LIMIT = 1_000_000;

/** Settings of the tunnels feature, from the environment (on top of the shared RekeyConfig). */
export class TunnelsSettings {
  constructor(
    /** REKEY_TUNNELS_MAX_OPEN: open tunnels a tenant may have at once (default 1000). */
    readonly maxOpenTunnels: number,
  ) {}

  /** Reads and validates the settings; a malformed value stops the app with one line, in every environment. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TunnelsSettings {
    const raw = env.REKEY_TUNNELS_MAX_OPEN;
    if (raw === undefined || raw === '') return new TunnelsSettings(DEFAULT_MAX_OPEN);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 1 || value > MAX_OPEN_LIMIT) {
      throw new ConfigError(`REKEY_TUNNELS_MAX_OPEN must be an integer from 1 to ${MAX_OPEN_LIMIT}`);
    }
    return new TunnelsSettings(value);
  }
}
