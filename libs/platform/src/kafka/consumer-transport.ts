import { Catch, Inject, Injectable, Optional, RpcExceptionFilter } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';

/** Injection token of the app's event consumer transport (provided by EventsModule of libs/events). */
export const CONSUMER_TRANSPORT = Symbol('CONSUMER_TRANSPORT');

/**
 * Hands an event handler's error to the transport unchanged. Nest's default turns every error
 * into "Internal server error" and logs it, so the transport, which retries and then dead-letters
 * with the reason, would only learn that something failed.
 */
@Catch()
export class HandlerErrorsToTransport implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** The app's consumer transport, when it has one (apps without EventsModule have none). */
@Injectable()
export class ConsumerTransportHost {
  constructor(@Optional() @Inject(CONSUMER_TRANSPORT) readonly strategy?: CustomTransportStrategy) {}
}
