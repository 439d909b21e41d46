import { Global, Module } from '@nestjs/common';
import { ConfigError, REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { Keyring, KeyringFormatError } from './keyring';

/** Injection token of the app's {@link Keyring}. */
export const KEYRING = Symbol('KEYRING');

function loadKeyring(config: RekeyConfig): Keyring {
  if (config.keyringFile === undefined) {
    // loadConfig already refuses a production config without REKEY_KEYRING_FILE.
    return Keyring.dev();
  }
  try {
    return Keyring.fromFile(config.keyringFile);
  } catch (error) {
    if (error instanceof KeyringFormatError) throw new ConfigError(`REKEY_KEYRING_FILE: ${error.message}`);
    throw error;
  }
}

/** Global: the keyring from REKEY_KEYRING_FILE, or the dev keyring outside production. */
@Global()
@Module({
  providers: [{ provide: KEYRING, inject: [REKEY_CONFIG], useFactory: loadKeyring }],
  exports: [KEYRING],
})
export class TokensModule {}
