import type { Request, RequestHandler } from 'express';
import type { Db, Role } from '../db';
import { findActiveApiKey } from '../db/repositories/clients';
import { ApiError } from './errors';

export interface Principal {
  keyId: string;
  role: Role;
  /** Set for client keys; analysts and admins work across clients. */
  clientId: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new ApiError(401, 'unauthenticated', 'Send an API key as "Authorization: Bearer <key>"'));
    try {
      const key = await findActiveApiKey(db, match[1]!);
      if (!key) return next(new ApiError(401, 'unauthenticated', 'The API key is not valid'));
      req.principal = { keyId: key.id, role: key.role, clientId: key.client_id };
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

/** The client a request is scoped to: its own for client keys, null (all) for analysts and admins. */
export function tenantScope(req: Request): string | null {
  const p = principal(req);
  return p.role === 'client' ? p.clientId : null;
}
