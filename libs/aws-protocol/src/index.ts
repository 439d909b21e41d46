// @rekey/aws-protocol: what makes an app look like the AWS service it stands in for.
export * from './aws-protocol.module';
export * from './errors/error-renderers';
export * from './errors/service-error';
export * from './sigv4/credential-store';
export * from './sigv4/sigv4-verifier';
export * from './input/json-body';
export * from './input/keyset-pagination';
export * from './input/pagination-tokens';
export * from './input/validate-input';
export * from './operations/aws-operation';
export * from './throttling/request-throttle';
export * from './throttling/mongo-throttle-counters';
