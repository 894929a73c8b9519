import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger.ts';
import { locals } from './edge/locals.ts';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids (an acceptable incoming X-Request-Id is kept, else a fresh one; always echoed) and one
 * log line per request. The line names the route pattern, never the URL: paths carry device
 * tokens and tracking tokens, and bodies carry emails and phone numbers, so neither is logged.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    locals(res).requestId = requestId;
    res.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = req.route ? `${req.baseUrl}${String((req.route as { path: unknown }).path)}` : 'unmatched';
      const line = { reqId: requestId, method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10, appId: locals(res).appId };
      // 503 is the answer of a process shedding load (api/admission.ts): a line per request at error level would add to the overload.
      if (res.statusCode >= 500 && res.statusCode !== 503) logger.error(line, 'request');
      else if (res.statusCode >= 400) logger.info(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
