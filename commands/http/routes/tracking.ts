import { Router, type RequestHandler } from 'express';
import type { TrackingDeps } from '../../tracking.ts';
import { recordTracking } from '../../tracking.ts';
import { HttpError } from '../errors.ts';
import { locals } from '../locals.ts';

/** The smallest transparent GIF: the email open pixel. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const UNSUBSCRIBED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unsubscribed</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto;"><h1>You are unsubscribed</h1>
<p>You will no longer receive these emails.</p></body></html>
`;

export function trackingRouter(deps: TrackingDeps, now: () => Date): Router {
  const router = Router();
  const handler: RequestHandler<{ token: string }> = async (req, res) => {
    const result = await recordTracking(deps, req.params.token, now(), locals(res).requestId);
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    switch (result.kind) {
      case 'redirect':
        res.redirect(302, result.url);
        return;
      case 'pixel':
        res.status(200).type('image/gif').send(PIXEL);
        return;
      case 'unsubscribed':
        res.status(200).type('html').send(UNSUBSCRIBED_PAGE);
        return;
      case 'not_found':
        throw new HttpError(404, 'not_found', 'unknown tracking link');
      default: {
        const never: never = result;
        return never;
      }
    }
  };
  router.get('/t/:token', handler);
  // RFC 8058 one-click unsubscribe: mail clients POST to the List-Unsubscribe URL.
  router.post('/t/:token', handler);
  return router;
}
