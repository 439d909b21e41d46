/** The dev credentials of contracts.md, by tenant; the apps accept them outside production. */
export const DEV_TENANTS = {
  A: { accountId: '111111111111', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  B: { accountId: '222222222222', accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' },
} as const;

/**
 * Configuration for an official AWS SDK v3 client pointed at a test app, signing as one of the
 * dev tenants: `new ChimeClient(awsClientConfig(app.url))`.
 */
export function awsClientConfig(endpoint: string, tenant: keyof typeof DEV_TENANTS = 'A', region = 'us-east-1') {
  const { accessKeyId, secretAccessKey } = DEV_TENANTS[tenant];
  return { endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };
}
