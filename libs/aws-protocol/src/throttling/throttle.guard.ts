import { CanActivate, ExecutionContext, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isPublicRoute, METRICS_REGISTRY, operationLabel, tenantLabel } from '@rekey/platform';
import type { FastifyRequest } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { ServiceError } from '../errors/service-error';
import { RequestThrottle } from './request-throttle';

const RECONCILE_MS = 250;

/** Refuses a tenant's request beyond its operation's rate (per AwsOperation name) with the API's throttling error. Runs after SigV4. */
@Injectable()
export class ThrottleGuard implements CanActivate, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ThrottleGuard.name);
  private readonly throttled: Counter<'operation'>;
  private timer?: NodeJS.Timeout;
  private reconciling = false;
  private storeFailing = false;

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
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      await this.throttle.reconcile();
      if (this.storeFailing) this.logger.log('throttle counters reachable again');
      this.storeFailing = false;
    } catch (error) {
      // Limits keep holding per replica meanwhile; say so once, not four times a second.
      if (!this.storeFailing) this.logger.warn(`cannot share throttle counters, limiting per replica: ${(error as Error).message}`);
      this.storeFailing = true;
    } finally {
      this.reconciling = false;
    }
  }
}
