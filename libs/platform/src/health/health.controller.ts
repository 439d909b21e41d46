import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, HttpException, Inject, Optional, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import { Public } from '../public-route';
import { KafkaHealthIndicator } from './kafka.health';
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

/**
 * Further readiness checks an app adds to MongoDB and Kafka (e.g. the tunnel relay's projection
 * lag): provide them under this token from a global module.
 */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Kubernetes probes: liveness never touches dependencies, readiness checks both for real. */
@Public()
@UseFilters(ProbeExceptionFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongoHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    @Optional() @Inject(READINESS_CHECKS) private readonly extraChecks: HealthIndicatorFunction[] = [],
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.mongo.isAnswering(), () => this.kafka.isReachable(), ...this.extraChecks]);
  }
}
