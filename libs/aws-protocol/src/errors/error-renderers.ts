import { AuthFailure } from '../sigv4/sigv4-verifier';
import { ServiceErrorDetails, ServiceErrorKind } from './service-error';

/** Which AWS wire dialect an app speaks. */
export type AwsApi = 'chime' | 'iotsecuretunneling' | 'ivschat';

/** An error response as the API's SDKs parse it. */
export interface RenderedError {
  status: number;
  /** AWS error shape name, sent as `x-amzn-ErrorType` (the JS SDK reads the code from it first). */
  shape: string;
  body: Record<string, unknown>;
}

type Problem = { kind: ServiceErrorKind; message: string; details?: ServiceErrorDetails } | { auth: AuthFailure; message: string };

// Chime (restJson1): { Code: <ErrorCode enum>, Message }.
const chime: Record<ServiceErrorKind, [number, string, string]> = {
  Validation: [400, 'BadRequestException', 'BadRequest'],
  NotFound: [404, 'NotFoundException', 'NotFound'],
  UnknownOperation: [404, 'NotFoundException', 'NotFound'],
  Conflict: [409, 'ConflictException', 'Conflict'],
  LimitExceeded: [400, 'ResourceLimitExceededException', 'ResourceLimitExceeded'],
  ServiceQuotaExceeded: [400, 'ResourceLimitExceededException', 'ResourceLimitExceeded'],
  AccessDenied: [403, 'ForbiddenException', 'Forbidden'],
  PendingVerification: [403, 'ForbiddenException', 'Forbidden'],
  Throttled: [429, 'ThrottledClientException', 'Throttled'],
  Unavailable: [503, 'ServiceUnavailableException', 'ServiceUnavailable'],
  Internal: [500, 'ServiceFailureException', 'ServiceFailure'],
};

// IoT Secure Tunneling (awsJson1_1): { __type, message }; client errors are 400 in this protocol.
const tunnels: Record<ServiceErrorKind, [number, string]> = {
  Validation: [400, 'ValidationException'],
  NotFound: [400, 'ResourceNotFoundException'],
  UnknownOperation: [400, 'UnknownOperationException'],
  Conflict: [400, 'ConflictException'],
  LimitExceeded: [400, 'LimitExceededException'],
  ServiceQuotaExceeded: [400, 'LimitExceededException'],
  AccessDenied: [403, 'AccessDeniedException'],
  PendingVerification: [403, 'AccessDeniedException'],
  Throttled: [400, 'ThrottlingException'],
  Unavailable: [503, 'ServiceUnavailable'],
  Internal: [500, 'InternalFailure'],
};

// IVS Chat (restJson1): { message, ...members of the error shape }.
const ivschat: Record<ServiceErrorKind, [number, string]> = {
  Validation: [400, 'ValidationException'],
  NotFound: [404, 'ResourceNotFoundException'],
  UnknownOperation: [400, 'ValidationException'],
  Conflict: [409, 'ConflictException'],
  LimitExceeded: [402, 'ServiceQuotaExceededException'],
  ServiceQuotaExceeded: [402, 'ServiceQuotaExceededException'],
  AccessDenied: [403, 'AccessDeniedException'],
  PendingVerification: [403, 'PendingVerification'],
  Throttled: [429, 'ThrottlingException'],
  // IVS Chat has no 503 shape: a refusal while unavailable is its internal error with the honest status.
  Unavailable: [503, 'InternalServerException'],
  Internal: [500, 'InternalServerException'],
};

/** The codes AWS's own front door answers for SigV4 failures (JSON-protocol services, HTTP 403). */
const authShapes: Record<AuthFailure, string> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  UnrecognizedClient: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  RequestExpired: 'InvalidSignatureException',
  InvalidScope: 'InvalidSignatureException',
};

function ivschatMembers(kind: ServiceErrorKind, details: ServiceErrorDetails = {}): Record<string, unknown> {
  if (kind === 'Validation' || kind === 'UnknownOperation') {
    return { reason: kind === 'UnknownOperation' ? 'UNKNOWN_OPERATION' : details.fieldList?.length ? 'FIELD_VALIDATION_FAILED' : 'OTHER', fieldList: details.fieldList ?? [] };
  }
  const members: Record<string, unknown> = {};
  if (details.resourceId !== undefined) members.resourceId = details.resourceId;
  if (details.resourceType !== undefined) members.resourceType = details.resourceType;
  if (details.limit !== undefined) members.limit = details.limit;
  return members;
}

/** Renders a domain or authentication problem as the given API's AWS error. */
export function renderError(api: AwsApi, problem: Problem): RenderedError {
  if ('auth' in problem) {
    if (api === 'chime') return { status: 401, shape: 'UnauthorizedClientException', body: { Code: 'Unauthorized', Message: problem.message } };
    const shape = authShapes[problem.auth];
    return { status: 403, shape, body: api === 'iotsecuretunneling' ? { __type: shape, message: problem.message } : { message: problem.message } };
  }
  if (api === 'chime') {
    const [status, shape, code] = chime[problem.kind];
    return { status, shape, body: { Code: code, Message: problem.message } };
  }
  if (api === 'iotsecuretunneling') {
    const [status, shape] = tunnels[problem.kind];
    return { status, shape, body: { __type: shape, message: problem.message } };
  }
  const [status, shape] = ivschat[problem.kind];
  return { status, shape, body: { message: problem.message, ...ivschatMembers(problem.kind, problem.details) } };
}
