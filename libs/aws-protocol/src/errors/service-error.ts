/** Stable, protocol-neutral error kinds; each API's renderer maps them to its AWS error. */
export type ServiceErrorKind =
  | 'Validation'
  | 'NotFound'
  | 'UnknownOperation'
  | 'Conflict'
  | 'LimitExceeded'
  | 'ServiceQuotaExceeded'
  | 'AccessDenied'
  | 'PendingVerification'
  | 'Throttled'
  | 'Unavailable'
  | 'Internal';

export interface FieldProblem {
  name: string;
  message: string;
}

export interface ServiceErrorDetails {
  resourceId?: string;
  resourceType?: string;
  fieldList?: FieldProblem[];
  limit?: number;
}

/** A domain error: services throw these, never HTTP exceptions. Its message reaches the client. */
export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    readonly details: ServiceErrorDetails = {},
  ) {
    super(message);
  }
}
