import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, HttpCode, Injectable, Post, SetMetadata } from '@nestjs/common';
import { isPublicRoute, labelOperation, operationLabel, routeMetadata } from '@rekey/platform';
import type { FastifyRequest } from 'fastify';

/**
 * Which AWS operation a request to a route calls, for routes that serve several (awsJson1_1's
 * `POST /`, Chime's `?operation=` selectors): undefined when the route does not serve what was
 * asked (the handler then refuses it as an unknown operation).
 */
export type OperationResolver = (request: FastifyRequest) => string | undefined;

const AWS_OPERATION = Symbol('rekey.awsOperation');

/**
 * Names the AWS operation a handler serves (its name in the botocore model, e.g.
 * `CreateChatToken`), or how to tell it from the request when the route serves several.
 * Throttling, metrics and request logs read this one name; every route that is not Public() has one.
 */
export const AwsOperation = (operation: string | OperationResolver) => SetMetadata(AWS_OPERATION, operation);

/** A handler of `POST /<operation>` (IVS Chat's routes), named by that path, answering `status`. */
export const PostOperation = (operation: string, status = 200) => applyDecorators(Post(operation), HttpCode(status), AwsOperation(operation));

/** The operation of an awsJson1_1 request: its `X-Amz-Target` (`prefix` + operation), when among `operations`. */
export function targetOperation(prefix: string, operations: readonly string[]): OperationResolver {
  const known = new Set(operations);
  return (request) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
    return operation !== undefined && known.has(operation) ? operation : undefined;
  };
}

/** The operation of a restJson1 route serving several by its `operation` query selector (Chime): `none` without one. */
export function selectorOperation(none: string, bySelector: Record<string, string> = {}): OperationResolver {
  return (request) => {
    const selector = (request.query as Record<string, unknown> | undefined)?.operation;
    if (selector === undefined) return none;
    return typeof selector === 'string' && Object.hasOwn(bySelector, selector) ? bySelector[selector] : undefined;
  };
}

/** Param decorator: the operation AwsOperation named for this request (undefined: none the route serves). */
export const Operation = createParamDecorator((_: unknown, context: ExecutionContext) => operationLabel(context.switchToHttp().getRequest<FastifyRequest>().raw));

/** Names each request's operation (labelOperation) before any other guard, from the handler's AwsOperation. */
@Injectable()
export class OperationNamer implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(context)) return true;
    const named = routeMetadata<string | OperationResolver>(AWS_OPERATION, context);
    if (named === undefined) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no @AwsOperation`);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const operation = typeof named === 'string' ? named : named(request);
    if (operation !== undefined) labelOperation(request, operation);
    return true;
  }
}
