export * from './app-process';
export * from './defaults';
export * from './redis-server';
