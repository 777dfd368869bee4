export * from './connection';
export * from './lease';
export * from './queues';
export * from './retry-policy';
export * from './shutdown';
export * from './step-worker';
export * from './stranded-version-sweeper';
export * from './worker-runtime';
