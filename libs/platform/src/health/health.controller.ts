import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, HttpException, Inject, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { Gauge, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../metrics/metrics';
import { Public } from '../public-route';
import { KafkaHealthIndicator } from './kafka.health';

/**
 * Probes answer in terminus's own format (503 with the failing dependency), whatever global filter
 * renders an app's API errors.
 */
@Catch(HttpException)
class ProbeExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(exception.getStatus()).send(exception.getResponse());
  }
}

/** Kubernetes probes: liveness never touches dependencies, readiness checks both for real. */
@Public()
@UseFilters(ProbeExceptionFilter)
@Controller('health')
export class HealthController {
  // The probe's last answer, so alerts can see readiness flapping (kubelet probes keep it fresh).
  private readonly readyGauge: Gauge;

  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongooseHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.readyGauge = new Gauge({ name: 'rekey_ready', help: 'Result of the last readiness check: 1 ready, 0 not ready', registers: [registry] });
  }

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      const result = await this.health.check([() => this.mongo.pingCheck('mongo', { timeout: 1500 }), () => this.kafka.isReachable()]);
      this.readyGauge.set(1);
      return result;
    } catch (error) {
      this.readyGauge.set(0);
      throw error;
    }
  }
}
