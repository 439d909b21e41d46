import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { RekeyConfig } from '../config/rekey-config';
import { traceLogFields } from '../tracing/trace-context';
import { operationLabel, tenantLabel } from './request-labels';

const labelsOf = (req: IncomingMessage) => ({ operation: operationLabel(req), tenant: tenantLabel(req) });

/**
 * JSON logs with the request id on every line of a request, its trace and span ids when traced,
 * and its operation and tenant on the line that ends it. Neither headers (credentials) nor bodies
 * (tokens) are logged.
 */
export function loggerOptions(config: RekeyConfig): Params {
  return {
    pinoHttp: {
      name: `rekey-${config.app}`,
      level: config.logLevel,
      // Fastify assigns the id (see bootstrap.ts) and its middleware layer copies it to the raw request.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
      // On the completion line, where both are known; as customProps they would cost two more
      // child loggers per request.
      customSuccessObject: (req: IncomingMessage, _res: unknown, line: object) => ({ ...line, ...labelsOf(req) }),
      customErrorObject: (req: IncomingMessage, _res: unknown, _error: Error, line: object) => ({ ...line, ...labelsOf(req) }),
      // Method, URL and id only. pino serializes a request logger's bindings when the logger is
      // made, once per request at any level, and writing out every header cost more than some
      // operations' own work; headers also carry credentials, which never belong in logs.
      serializers: { req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
      // trace_id and span_id on every line written inside a span (none without a tracing SDK).
      mixin: traceLogFields,
    },
  };
}
