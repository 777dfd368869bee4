export * from './booking';
export * from './status';
export * from './jobs';
export * from './signing';
export * from './json-schema';
export * from './meeting';
export * from './meeting-events';
export * from './timeline';
