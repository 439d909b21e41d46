export * from './infrastructure';
export * from './test-app';
export * from './test-environment';
export * from './describe-app-infrastructure';
export * from './local-kafka';
export * from './aws-clients';
export * from './production-app';
export * from './fuzz-requests';
