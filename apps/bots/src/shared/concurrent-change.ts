import { ServiceError } from '@rekey/aws-protocol';

/** A compare-and-set lost every race (pathological contention): Chime's throttling error, which the SDKs retry. */
export function concurrentChange(): ServiceError {
  return new ServiceError('Throttled', 'Too many concurrent changes of this resource, retry');
}
