import type { RequestHandler } from 'express';
import multer from 'multer';
import { ApiError, multipartError } from './errors';

const FILE_FIELDS = ['front', 'back'] as const;
const JSON_FIELDS = ['applicant', 'metadata'];

/**
 * multipart/form-data uploads: files `front` (and optionally `back`) plus the same fields as the
 * JSON body (`applicant` and `metadata` as JSON strings). The result is the JSON body shape, so one
 * schema validates both.
 */
export function multipartVerification(maxBytes: number): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 2, fields: 20, fieldSize: 64 * 1024 },
  }).fields(FILE_FIELDS.map((name) => ({ name, maxCount: 1 })));

  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    upload(req, res, (error: unknown) => {
      if (error) return next(multipartError(error, maxBytes));
      const files = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
      const body: Record<string, unknown> = { ...(req.body as Record<string, unknown>) };
      for (const field of JSON_FIELDS) {
        if (typeof body[field] !== 'string') continue;
        try {
          body[field] = JSON.parse(body[field] as string);
        } catch {
          return next(new ApiError(400, 'invalid_json', `${field} must be a JSON object`, [{ path: field, message: 'not valid JSON' }]));
        }
      }
      const front = files.front?.[0];
      const back = files.back?.[0];
      if (front) body.images = { front: front.buffer.toString('base64'), ...(back && { back: back.buffer.toString('base64') }) };
      req.body = body;
      next();
    });
  };
}
