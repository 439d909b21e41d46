import { DEV_CREDENTIALS } from '@rekey/contracts';

/** The dev credentials of contracts.md (as the apps accept them outside production), by tenant. */
export const DEV_TENANTS = { A: DEV_CREDENTIALS[0], B: DEV_CREDENTIALS[1] } as const;

/**
 * Configuration for an official AWS SDK v3 client pointed at a test app, signing as one of the
 * dev tenants: `new ChimeClient(awsClientConfig(app.url))`.
 */
export function awsClientConfig(endpoint: string, tenant: keyof typeof DEV_TENANTS = 'A', region = 'us-east-1') {
  const { accessKeyId, secretAccessKey } = DEV_TENANTS[tenant];
  return { endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };
}
