import type { Request, RequestHandler } from 'express';
import type { Db, Role, TenantScope } from '../db';
import { findActiveApiKey } from '../db/repositories/clients';
import { findLiveSession } from '../db/repositories/sessions';
import { sha256Hex } from '../lib/crypto';
import { ApiError } from './errors';

export interface Principal {
  keyId: string;
  /** The key's name: an analyst's name (each analyst has a key of their own). */
  name: string;
  role: Role;
  /** Set for client keys; analysts and admins work across clients. */
  clientId: string | null;
  /** False for test-mode client keys (the sandbox); true for every other key. */
  livemode: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** The console's session cookie (HttpOnly, SameSite=Strict); the browser never holds the API key. */
export const SESSION_COOKIE = 'kyc_console';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * A bearer API key, or else the console's session cookie. A request made with the cookie that
 * changes something must also carry the session's CSRF token in `X-CSRF-Token` (403 `csrf_failed`).
 */
export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.get('authorization');
      const token = header === undefined ? cookieValue(req, SESSION_COOKIE) : undefined;
      if (token) {
        const session = await findLiveSession(db, sha256Hex(token));
        if (!session) return next(new ApiError(401, 'unauthenticated', 'The console session has ended; sign in again'));
        if (!SAFE_METHODS.has(req.method) && req.get('x-csrf-token') !== session.csrfToken) {
          return next(new ApiError(403, 'csrf_failed', 'Send the session\'s CSRF token in X-CSRF-Token'));
        }
        req.principal = { keyId: session.keyId, name: session.name, role: session.role, clientId: session.clientId, livemode: true };
        return next();
      }
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
      if (!match) return next(new ApiError(401, 'unauthenticated', 'Send an API key as "Authorization: Bearer <key>"'));
      const key = await findActiveApiKey(db, match[1]!);
      if (!key) return next(new ApiError(401, 'unauthenticated', 'The API key is not valid'));
      req.principal = { keyId: key.id, name: key.name, role: key.role, clientId: key.client_id, livemode: key.livemode };
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal || !roles.includes(req.principal.role)) {
      return next(new ApiError(403, 'forbidden', `This action needs one of the roles: ${roles.join(', ')}`));
    }
    next();
  };
}

export function principal(req: Request): Principal {
  if (!req.principal) throw new ApiError(401, 'unauthenticated', 'Not authenticated');
  return req.principal;
}

/** What a request is scoped to: its own client in its key's mode for client keys, null (all) for analysts and admins. */
export function tenantScope(req: Request): TenantScope {
  const p = principal(req);
  return p.role === 'client' && p.clientId !== null ? { clientId: p.clientId, livemode: p.livemode } : null;
}

/** A client key's own scope (routes only client keys reach). */
export function clientScope(req: Request): NonNullable<TenantScope> {
  const scope = tenantScope(req);
  if (!scope) throw new ApiError(403, 'forbidden', 'This action needs a client key');
  return scope;
}
