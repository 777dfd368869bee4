export * from './app-process';
export * from './defaults';
export * from './redis-server';
export * from './demo';
export * from './run-sandbox';
export * from './fakes';
export * from './poll-until';
export * from './serve-fakes';
