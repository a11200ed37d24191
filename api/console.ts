import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import type { Db } from '../db';
import { findActiveApiKey } from '../db/repositories/clients';
import { endSession, findLiveSession, insertSession } from '../db/repositories/sessions';
import { sha256Hex } from '../lib/crypto';
import { cookieValue, SESSION_COOKIE } from './auth';
import { ApiError } from './errors';
import { text } from './schemas/text';
import { parseBody } from './validation';

/** The project's root whether the API runs from TypeScript (api/) or from the build (dist/api/). */
const ROOT = ((dir) => (path.basename(dir) === 'dist' ? path.dirname(dir) : dir))(path.resolve(__dirname, '..'));
const SOURCE = path.join(ROOT, 'console');
export const CONSOLE_OUT = path.join(ROOT, 'dist', 'console');

const signInSchema = z.object({ apiKey: text().min(1).max(200) }).strict();

/**
 * Bundles the console (console/app.ts, esbuild) and copies its page and styles into `outDir` when
 * the sources are newer than the build (`npm run build`, `npm start` and the first request alike).
 */
export function buildConsole(outDir = CONSOLE_OUT): string {
  if (!fs.existsSync(SOURCE)) return outDir; // a deployment with the built files only
  const sources = fs.readdirSync(SOURCE).map((name) => path.join(SOURCE, name));
  const built = path.join(outDir, 'app.js');
  const newest = Math.max(...sources.map((file) => fs.statSync(file).mtimeMs));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest) return outDir;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a build is needed
  const esbuild = require('esbuild') as typeof import('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  esbuild.buildSync({ entryPoints: [path.join(SOURCE, 'app.ts')], bundle: true, format: 'esm', target: 'es2022', minify: true, sourcemap: false, outfile: built, logLevel: 'error' });
  for (const file of ['index.html', 'styles.css']) fs.copyFileSync(path.join(SOURCE, file), path.join(outDir, file));
  return outDir;
}

function setSessionCookie(res: Response, token: string, maxAgeMs: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: maxAgeMs, secure });
}

/**
 * /console: the analyst console's page and assets, and its session. Signing in exchanges an analyst
 * or admin API key (JSON only, so no cross-site form can sign anyone in) for an HttpOnly,
 * SameSite=Strict cookie and a CSRF token the page sends back on every change.
 */
export function consoleRouter({ config, db, temporalUiUrl }: { config: Config; db: Db; temporalUiUrl: string | undefined }): Router {
  const router = Router();
  const secure = config.NODE_ENV === 'production';
  const sessionInfo = (s: { keyId: string; name: string; role: string; csrfToken: string; expiresAt: Date }) => ({
    analyst: { keyId: s.keyId, name: s.name, role: s.role },
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt.toISOString(),
    reasonCodes: config.REVIEW_REASON_CODES,
    claimTtlMs: config.CLAIM_TTL_MS,
    temporalUiUrl: temporalUiUrl ?? null,
  });

  router.use((_req, res, next) => {
    res.set({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    next();
  });

  router.post('/session', async (req, res) => {
    if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'Sign in with a JSON body {"apiKey": "…"}');
    const { apiKey } = parseBody(signInSchema, req.body);
    const key = await findActiveApiKey(db, apiKey);
    if (!key) throw new ApiError(401, 'unauthenticated', 'The API key is not valid');
    if (key.role === 'client') throw new ApiError(403, 'forbidden', 'The console is for analyst and admin keys');
    const token = randomBytes(32).toString('base64url');
    const session = await insertSession(db, { tokenHash: sha256Hex(token), keyId: key.id, csrfToken: randomBytes(24).toString('base64url'), ttlMs: config.CONSOLE_SESSION_TTL_MS });
    setSessionCookie(res, token, config.CONSOLE_SESSION_TTL_MS, secure);
    res.status(201).json(sessionInfo({ keyId: key.id, name: key.name, role: key.role, csrfToken: session.csrf_token, expiresAt: session.expires_at }));
  });

  router.get('/session', async (req, res) => {
    const token = cookieValue(req, SESSION_COOKIE);
    const session = token ? await findLiveSession(db, sha256Hex(token)) : undefined;
    if (!session) throw new ApiError(401, 'unauthenticated', 'Not signed in');
    res.json(sessionInfo(session));
  });

  router.delete('/session', async (req, res) => {
    const token = cookieValue(req, SESSION_COOKIE);
    const session = token ? await findLiveSession(db, sha256Hex(token)) : undefined;
    if (session) {
      if (req.get('x-csrf-token') !== session.csrfToken) throw new ApiError(403, 'csrf_failed', "Send the session's CSRF token in X-CSRF-Token");
      await endSession(db, session.sessionId);
    }
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure });
    res.status(204).end();
  });

  let assets: express.Handler | undefined;
  router.use((req, res, next) => {
    assets ??= express.static(buildConsole(), { index: 'index.html', cacheControl: false });
    // Every console route (#/queue, #/case/…) is the one page.
    if (req.method === 'GET' && !path.extname(req.path)) req.url = '/';
    assets(req, res, next);
  });
  return router;
}
