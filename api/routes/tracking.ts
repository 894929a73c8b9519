import { Router, type RequestHandler } from 'express';
import type { TrackingDeps } from '../../commands/tracking.ts';
import { recordTracking } from '../../commands/tracking.ts';
import { HttpError } from '../edge/errors.ts';
import { locals } from '../edge/locals.ts';

/** The smallest transparent GIF: the email open pixel. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const UNSUBSCRIBED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unsubscribed</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto;"><h1>You are unsubscribed</h1>
<p>You will no longer receive these emails.</p></body></html>
`;

/** The GET of an unsubscribe link: a button that POSTs to the same URL; the GET itself changes nothing. */
function confirmPage(token: string): string {
  const action = `/t/${encodeURIComponent(token)}`.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Unsubscribe</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto;"><h1>Unsubscribe?</h1>
<p>Stop receiving emails like this one.</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form></body></html>
`;
}

export function trackingRouter(deps: TrackingDeps, now: () => Date): Router {
  const router = Router();
  const handler: RequestHandler<{ token: string }> = async (req, res) => {
    const method = req.method === 'POST' ? 'POST' : 'GET';
    const result = await recordTracking(deps, req.params.token, now(), locals(res).requestId, method);
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
      case 'confirm_unsubscribe':
        res.status(200).type('html').send(confirmPage(req.params.token));
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
