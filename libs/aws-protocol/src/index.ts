// @rekey/aws-protocol. Declared only (the agreed API, implementation pending in issue #4):
// validateInput and PaginationTokens; throttling is not started.
export * from './aws-protocol.module';
export * from './errors/error-renderers';
export * from './errors/service-error';
export * from './sigv4/credential-store';
export * from './sigv4/sigv4-verifier';

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
