export * from './booking';
export * from './status';
export * from './jobs';
export * from './signing';
export * from './json-schema';
export * from './fixtures';
export * from './meeting';
export * from './meeting-events';
