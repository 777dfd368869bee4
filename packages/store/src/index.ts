export * from './booking-store';
export * from './redis-lock';
export * from './member-connections';
export * from './email-log';
