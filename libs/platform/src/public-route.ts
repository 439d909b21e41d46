import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Metadata key read by the SigV4 guard: routes carrying it are served without authentication. */
export const PUBLIC_ROUTE = 'rekey:public-route';

/** Marks a controller or route as served without SigV4 (health probes, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

const reflector = new Reflector();

/**
 * A route's metadata under `key` (the handler's, else its controller's), read once per handler:
 * decorators are applied at start-up, and reading reflect-metadata on every request of every
 * guard is a measurable part of a request's cost.
 */
export function routeMetadata<T>(key: string | symbol, context: ExecutionContext): T | undefined {
  const handler = context.getHandler();
  const controller = context.getClass();
  let ofController = memo.get(controller);
  if (!ofController) memo.set(controller, (ofController = new WeakMap()));
  let byKey = ofController.get(handler);
  if (!byKey) ofController.set(handler, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, reflector.getAllAndOverride<T>(key, [handler, controller]));
  return byKey.get(key) as T | undefined;
}

/** By controller, then handler (a handler inherited by two controllers may read each one's metadata). */
const memo = new WeakMap<object, WeakMap<object, Map<string | symbol, unknown>>>();

/** Whether the route serving `context` is marked {@link Public}. */
export const isPublicRoute = (context: ExecutionContext): boolean => routeMetadata<boolean>(PUBLIC_ROUTE, context) === true;
