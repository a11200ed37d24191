export * from './messages';
export * from './verification';
export * from './resend';
export * from './retention';
