export * from './verification';
export * from './resend';
