/** Injection token of the app's {@link RekeyConfig}. */
export const REKEY_CONFIG = Symbol('REKEY_CONFIG');
