import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, HttpException, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../public-route';
import { KafkaHealthIndicator } from './kafka.health';
import { ReadinessChecks } from './readiness-checks';
import { MongoHealthIndicator } from './mongo.health';

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

/** Kubernetes probes: liveness never touches dependencies, readiness checks both for real, and the app's own {@link ReadinessChecks}. */
@Public()
@UseFilters(ProbeExceptionFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongoHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly checks: ReadinessChecks,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.mongo.isAnswering(), () => this.kafka.isReachable(), ...this.checks.all()]);
  }
}
