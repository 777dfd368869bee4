export * from './booking-store';
