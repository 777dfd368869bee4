export * from './booking-store';
export * from './email-log';
export * from './meeting-events';
export * from './timeline';
