import type { Request, RequestHandler } from 'express';
import type { AppAuthenticator } from '../commands/apps.ts';
import type { ConsoleCaller } from './console/router.ts';
import { clientOf, throttled } from './edge/clients.ts';
import { HttpError } from './edge/errors.ts';
import { locals } from './edge/locals.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="notify", charset="UTF-8"' };

/** `Authorization: Basic base64(appKey:appSecret)`; every failure is the same 401 so keys cannot be probed. */
export function requireApp(authenticator: AppAuthenticator, session?: (req: Request) => Promise<ConsoleCaller | undefined>): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    // An operator's console session stands in for credentials only when none are given.
    if (!header && session) {
      const caller = await session(req);
      if (caller !== undefined) {
        locals(res).appId = caller.appId;
        locals(res).operator = caller.operator;
        next();
        return;
      }
    }
    const m = header ? /^Basic\s+([A-Za-z0-9+/=_-]{1,1024})\s*$/i.exec(header) : null;
    if (!m) throw new HttpError(401, 'unauthorized', 'Authorization: Basic base64(appKey:appSecret) is required', { headers: CHALLENGE });
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new HttpError(401, 'unauthorized', 'credentials must be appKey:appSecret', { headers: CHALLENGE });
    const result = await authenticator.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1), clientOf(req));
    if (!result.ok && result.reason === 'throttled') throw throttled(result.retryAfterMs);
    if (!result.ok) throw new HttpError(401, 'unauthorized', 'invalid or revoked credentials', { headers: CHALLENGE });
    locals(res).appId = result.appId;
    next();
  };
}
