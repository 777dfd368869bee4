export * from './connection';
export * from './queues';
export * from './retry-policy';
export * from './shutdown';
export * from './step-worker';
export * from './worker-runtime';
