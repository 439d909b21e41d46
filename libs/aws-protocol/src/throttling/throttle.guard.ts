import { CanActivate, ExecutionContext, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isPublicRoute, METRICS_REGISTRY, operationLabel, PeriodicTask, tenantLabel } from '@rekey/platform';
import type { FastifyRequest } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { ServiceError } from '../errors/service-error';
import { RequestThrottle, THROTTLE_RECONCILE_MS } from './request-throttle';

/** Refuses a tenant's request beyond its operation's rate (per AwsOperation name) with the API's throttling error. Runs after SigV4. */
@Injectable()
export class ThrottleGuard implements CanActivate, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly throttled: Counter<'operation'>;
  /** Limits keep holding per replica while the shared counters are unreachable. */
  private readonly sharing = new PeriodicTask(new Logger(ThrottleGuard.name), 'sharing throttle counters (limiting per replica meanwhile)', () => this.throttle.reconcile());

  constructor(
    private readonly throttle: RequestThrottle,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.throttled = new Counter({ name: 'rekey_throttled_requests_total', help: 'Requests refused by throttling, by operation', labelNames: ['operation'], registers: [registry] });
  }

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const tenant = tenantLabel(request.raw);
    // Named by OperationNamer; none: the handler refuses an operation its route does not serve.
    const operation = operationLabel(request.raw);
    if (tenant === undefined || operation === undefined) return true;
    const { admitted, limit } = this.throttle.admit(tenant, operation);
    if (admitted) return true;
    this.throttled.inc({ operation });
    // IVS Chat's ThrottlingException requires a resource id and type; the other APIs ignore them.
    throw new ServiceError('Throttled', `Rate exceeded for ${operation}: at most ${limit} requests per second`, { limit, resourceId: operation, resourceType: 'ROOM' });
  }

  onApplicationBootstrap(): void {
    this.sharing.start(THROTTLE_RECONCILE_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sharing.stop();
  }
}
