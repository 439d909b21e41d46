import {
  ArgumentsHost,
  CanActivate,
  Catch,
  createParamDecorator,
  DynamicModule,
  ExceptionFilter,
  ExecutionContext,
  Global,
  HttpException,
  Inject,
  Injectable,
  Logger,
  Module,
  OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { ConfigError, isDatabaseUnavailable, isPublicRoute, labelTenant, REKEY_CONFIG, RekeyConfig, renderFrameworkErrors, REQUEST_ID_HEADER } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwsApi, renderError } from './errors/error-renderers';
import { ServiceError, ServiceErrorKind } from './errors/service-error';
import { JSON_BODY_LIMITS, parseJsonBody } from './input/json-body';
import { PaginationTokens } from './input/pagination-tokens';
import { OperationNamer } from './operations/aws-operation';
import { DEV_CREDENTIALS } from '@rekey/contracts';
import { CredentialsFormatError, CredentialStore } from './sigv4/credential-store';
import { AuthError, SigV4Verifier } from './sigv4/sigv4-verifier';
import { MongoThrottleCounters } from './throttling/mongo-throttle-counters';
import { RequestThrottle } from './throttling/request-throttle';
import { ThrottleGuard } from './throttling/throttle.guard';

const AWS_API = Symbol('AWS_API');
const TENANT = Symbol('rekey.tenant');

/** SigV4 signing name of each API (botocore models). */
export const SIGNING_NAMES: Record<AwsApi, string> = { chime: 'chime', iotsecuretunneling: 'IoTSecuredTunneling', ivschat: 'ivschat' };

type TenantRequest = FastifyRequest & { [TENANT]?: string; rawBody?: Buffer };

/** Param decorator: the 12-digit account (tenant) the request's access key belongs to. */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<TenantRequest>()[TENANT]);

function loadCredentials(config: RekeyConfig): CredentialStore {
  if (config.credentialsFile === undefined) return new CredentialStore(DEV_CREDENTIALS);
  try {
    return CredentialStore.fromFile(config.credentialsFile);
  } catch (error) {
    if (error instanceof CredentialsFormatError) throw new ConfigError(`REKEY_CREDENTIALS_FILE: ${error.message}`);
    throw error;
  }
}

/** The query parameters of a request target, as SigV4 canonicalizes them (a repeated name: all its values). */
function queryOf(target: string): Record<string, string | string[]> {
  const params = new URL(target, 'http://localhost').searchParams;
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

/** Refuses any request not correctly SigV4-signed, before any other work; routes marked Public() excepted. */
@Injectable()
class SigV4Guard implements CanActivate {
  constructor(private readonly verifier: SigV4Verifier) {}

  /** Synchronous for public routes: Nest awaits a guard's answer only when it is a promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return isPublicRoute(context) || this.authenticate(context);
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const target = request.raw.url ?? '/';
    const queryStart = target.indexOf('?');
    const tenant = await this.verifier.verify({
      method: request.method,
      path: queryStart === -1 ? target : target.slice(0, queryStart),
      query: queryStart === -1 ? {} : queryOf(target),
      headers: request.headers,
      body: request.rawBody,
    });
    request[TENANT] = tenant;
    labelTenant(request, tenant);
    return true;
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Kind of a framework-level HTTP error: unknown route, bad or oversized body, wrong media type. */
function kindOfStatus(status: number): ServiceErrorKind {
  if (status === 404 || status === 405) return 'UnknownOperation';
  return status < 500 ? 'Validation' : 'Internal';
}

/** Renders every error in the API's AWS shape; an unexpected one is a 500 with the request id, logged once. */
@Catch()
class AwsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AwsExceptionFilter');

  constructor(@Inject(AWS_API) private readonly api: AwsApi) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    this.send(host.switchToHttp().getResponse<FastifyReply>(), this.problemOf(exception, request.id));
  }

  /** Also used for errors Fastify raises before Nest routes the request (body parsing). */
  send(reply: FastifyReply, problem: Parameters<typeof renderError>[1]): void {
    const rendered = renderError(this.api, problem);
    void reply
      .status(rendered.status)
      .header('x-amzn-ErrorType', rendered.shape)
      .header('content-type', this.api === 'iotsecuretunneling' ? 'application/x-amz-json-1.1' : 'application/json')
      .send(rendered.body);
  }

  problemOf(exception: unknown, requestId: string): Parameters<typeof renderError>[1] {
    if (exception instanceof ServiceError) return { kind: exception.kind, message: exception.message, details: exception.details };
    if (exception instanceof AuthError) return { auth: exception.failure, message: exception.message };
    // Not a bug but a dependency away: the API's 503, which the SDKs retry; readiness reports it.
    if (isDatabaseUnavailable(exception)) {
      // Which driver error (a stalled or stopped server, a timeout, a cleared pool) is what an operator needs to tell the faults apart.
      this.logger.warn({ requestId, error: `${(exception as Error).name}: ${(exception as Error).message}` }, 'database unavailable, answering 503');
      return { kind: 'Unavailable', message: 'The service is temporarily unavailable; retry' };
    }
    const status = statusOf(exception);
    if (status === 503) return { kind: 'Unavailable', message: (exception as Error).message };
    if (status !== undefined && status < 500) {
      const message = status === 413 ? 'Request body is too large' : status === 404 ? 'Unknown operation' : (exception as Error).message;
      return { kind: kindOfStatus(status), message };
    }
    this.logger.error({ err: exception, requestId }, 'unexpected error');
    return { kind: 'Internal', message: `An internal error occurred (request id ${requestId})` };
  }
}

/** JSON bodies of both wire protocols, parsed within the API's limits (JSON_BODY_LIMITS); Fastify's own parse errors rendered in the API's shape. */
@Injectable()
class FastifyWireSetup implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly filter: AwsExceptionFilter,
    @Inject(AWS_API) private readonly api: AwsApi,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const limits = JSON_BODY_LIMITS[this.api];
    // Replaces Nest's application/json parser too; keeps the raw bytes as its rawBody option does: SigV4 signs them.
    for (const mediaType of ['application/json', 'application/x-amz-json-1.1']) {
      if (fastify.hasContentTypeParser(mediaType)) fastify.removeContentTypeParser(mediaType);
      fastify.addContentTypeParser(mediaType, { parseAs: 'buffer', bodyLimit: limits.maxBytes }, (request, body, done) => {
        (request as TenantRequest).rawBody = body as Buffer;
        try {
          done(null, parseJsonBody(body as Buffer, limits));
        } catch (error) {
          done(error as Error, undefined);
        }
      });
    }
    fastify.setErrorHandler((error, request, reply) => this.filter.send(reply, this.filter.problemOf(error, request.id)));
    renderFrameworkErrors(fastify, (error, request, reply) => {
      // Raised before the onRequest hook that names the request: name it here.
      reply.header(REQUEST_ID_HEADER, request.id);
      this.filter.send(reply, this.filter.problemOf(error, request.id));
    });
  }
}

/**
 * Global module for an app speaking one AWS API: each request named by its handler's AwsOperation,
 * SigV4 on every route not marked Public(), then per-tenant, per-operation throttling, the API's
 * error shapes for every error, awsJson1_1 body parsing.
 */
@Global()
@Module({})
export class AwsProtocolModule {
  static forRoot(options: { api: AwsApi }): DynamicModule {
    return {
      module: AwsProtocolModule,
      imports: [TokensModule],
      providers: [
        { provide: AWS_API, useValue: options.api },
        { provide: CredentialStore, inject: [REKEY_CONFIG], useFactory: loadCredentials },
        {
          provide: SigV4Verifier,
          inject: [CredentialStore, REKEY_CONFIG],
          useFactory: (store: CredentialStore, config: RekeyConfig) => new SigV4Verifier(store, SIGNING_NAMES[options.api], config.awsRegion),
        },
        AwsExceptionFilter,
        FastifyWireSetup,
        PaginationTokens,
        {
          provide: RequestThrottle,
          inject: [REKEY_CONFIG, getConnectionToken()],
          useFactory: (config: RekeyConfig, connection: Connection) => new RequestThrottle(config.throttle, new MongoThrottleCounters(connection)),
        },
        ThrottleGuard,
        // In this order: a refusal names its operation; the throttle counts per tenant, which SigV4 establishes.
        { provide: APP_GUARD, useClass: OperationNamer },
        { provide: APP_GUARD, useClass: SigV4Guard },
        { provide: APP_GUARD, useExisting: ThrottleGuard },
        { provide: APP_FILTER, useExisting: AwsExceptionFilter },
      ],
      exports: [CredentialStore, PaginationTokens],
    };
  }
}
