export * from './create-zoom-adapter';
export * from './passcode-policy';
export * from './zoom-client';
export * from './zoom-conference-provider';
export * from './zoom-errors';
export * from './zoom-operations';
