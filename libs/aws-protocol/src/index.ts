// @rekey/aws-protocol. Implemented: SigV4 verification and the credential store. Declared only
// (the agreed API, implementation pending in issue #4): the module, Tenant(), errors, validation,
// pagination tokens.
import type { DynamicModule } from '@nestjs/common';

export * from './sigv4/credential-store';
export * from './sigv4/sigv4-verifier';

/** Which AWS wire dialect an app speaks; picks error shapes, statuses and auth errors. */
export type AwsApi = 'chime' | 'iotsecuretunneling' | 'ivschat';

/**
 * Global Nest module for one app: SigV4 verification of every route not marked {@link Public}
 * (signing name per API), the exception filter rendering {@link ServiceError}s and everything else
 * in the API's error shape, per-tenant per-operation throttling, `application/x-amz-json-1.1` body
 * parsing, and {@link PaginationTokens}.
 */
export declare class AwsProtocolModule {
  static forRoot(options: { api: AwsApi }): DynamicModule;
}

// Routes marked with `Public()` from @rekey/platform (PUBLIC_ROUTE metadata) skip SigV4.
/** Param decorator: the 12-digit account id (tenant) the request's access key maps to. */
export declare const Tenant: () => ParameterDecorator;

/** Stable, protocol-neutral error kinds; the API's filter maps each to its AWS error. */
export type ServiceErrorKind =
  | 'Validation'
  | 'NotFound'
  | 'Conflict'
  | 'LimitExceeded'
  | 'ServiceQuotaExceeded'
  | 'AccessDenied'
  | 'PendingVerification'
  | 'Unauthenticated'
  | 'Throttled'
  | 'Unavailable'
  | 'Internal';

export interface FieldProblem {
  name: string;
  message: string;
}

/** A domain error: services throw these, never HTTP exceptions. */
export declare class ServiceError extends Error {
  constructor(kind: ServiceErrorKind, message: string, details?: { resourceId?: string; resourceType?: string; fieldList?: FieldProblem[]; limit?: number });
  readonly kind: ServiceErrorKind;
  readonly details: { resourceId?: string; resourceType?: string; fieldList?: FieldProblem[]; limit?: number };
}

/**
 * Validates plain input against a class-validator DTO (from @rekey/contracts) and returns the
 * instance; throws ServiceError('Validation') with one FieldProblem per failing field.
 */
export declare function validateInput<T extends object>(dto: new () => T, input: unknown): T;

/** Opaque, tamper-evident, tenant- and listing-bound `NextToken`s. Injectable. */
export declare class PaginationTokens {
  /** `scope` names the listing and its filters, e.g. `ListBots:<accountId>`. */
  issue(tenant: string, scope: string, cursor: Record<string, unknown>): string;
  /** Throws ServiceError('Validation') for a token of another tenant or scope, or a tampered one. */
  read<T extends Record<string, unknown>>(token: string, tenant: string, scope: string): T;
}
