import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { RekeyConfig } from '../config/rekey-config';
import { operationLabel, tenantLabel } from './request-labels';

/**
 * JSON logs with the request id on every line of a request, and its operation and tenant once
 * known. Headers that carry credentials are redacted; bodies are never logged, because they may
 * hold tokens.
 */
export function loggerOptions(config: RekeyConfig): Params {
  return {
    pinoHttp: {
      name: `rekey-${config.app}`,
      level: config.logLevel,
      // Fastify assigns the id (see bootstrap.ts) and its middleware layer copies it to the raw request.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
      customProps: (req: IncomingMessage) => ({ operation: operationLabel(req), tenant: tenantLabel(req) }),
      redact: ['req.headers.authorization', 'req.headers["x-amz-security-token"]', 'req.headers.cookie'],
      // Probes and scrapes would drown the request logs. (The middleware layer may rewrite `url`.)
      autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => /^\/(health|metrics)\b/.test(req.originalUrl ?? req.url ?? '') },
    },
  };
}
