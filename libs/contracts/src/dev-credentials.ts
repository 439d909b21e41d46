/**
 * The dev keys of contracts.md (tenants 111111111111 and 222222222222): accepted only outside
 * production. The one place they are spelled.
 */
export const DEV_CREDENTIALS: readonly { accessKeyId: string; secretAccessKey: string; accountId: string }[] = [
  { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', accountId: '111111111111' },
  { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', accountId: '222222222222' },
];
