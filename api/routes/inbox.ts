import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { signInboxToken, verifyInboxToken } from '../../domain/inboxToken.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { inboxItem, inboxItemsAfter, listInbox, unreadCount, unreadItems, INBOX_MAX_LIMIT, type InboxOwner } from '../../projections/inboxQueries.ts';
import { metadataFor } from '../../commands/context.ts';
import { handleCommand } from '../../commands/handle.ts';
import type { InboxFeed } from '../feeds/inboxFeed.ts';
import { loadUser } from '../../commands/users.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, locals } from '../edge/locals.ts';
import { idSchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';
import { INBOX_WIDGET_JS } from './inboxWidget.ts';

/** `POST /v1/users/:userId/inbox-token` (behind app auth): a short-lived token for that user of that app. */
export function inboxTokenRouter(store: EventStore, options: { secret: string; ttlSeconds: number }, now: () => Date): Router {
  const router = Router();
  router.post('/users/:userId/inbox-token', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const user = await loadUser(store, appIdOf(res), userId);
    if (!user.exists) throw new HttpError(404, 'user_not_found', `user ${userId} does not exist`);
    const expiresAt = Math.floor(now().getTime() / 1000) + options.ttlSeconds;
    const token = signInboxToken({ appId: appIdOf(res), userId, expiresAt }, options.secret);
    res.status(200).json({ token, expiresAt: new Date(expiresAt * 1000).toISOString() });
  });
  return router;
}

export interface InboxRouterDeps {
  eventStore: EventStore;
  /** The inbox read model and the live feed; absent (an API started without the projection store), the item routes answer 503. */
  inbox?: { store: ProjectionStore; feed: InboxFeed };
  secret: string;
  /** Allowed browser origins; `*` allows any. */
  corsOrigins: readonly string[];
  now: () => Date;
  heartbeatMs?: number;
  /** Open SSE streams allowed per inbox token and in this process (INBOX_STREAMS_PER_TOKEN, INBOX_STREAMS_MAX); 429 past either. */
  streamLimits: { perToken: number; total: number };
}

/** How long a client refused a stream is asked to wait: about one reconnect of the widget. */
const STREAM_RETRY_AFTER_S = 5;

/**
 * Each open stream holds a socket, a feed listener and a heartbeat timer for as long as the client
 * likes: without a bound, one token (or a script with many) could hold every file descriptor of
 * the process. Counted per token and per process; a slot is given back when its stream closes.
 */
function streamSlots(limits: { perToken: number; total: number }) {
  const open = new Map<string, number>();
  let total = 0;
  return {
    take(token: string): (() => void) | undefined {
      const mine = open.get(token) ?? 0;
      if (mine >= limits.perToken || total >= limits.total) return undefined;
      open.set(token, mine + 1);
      total += 1;
      let given = false;
      return () => {
        if (given) return;
        given = true;
        total -= 1;
        const left = (open.get(token) ?? 1) - 1;
        if (left <= 0) open.delete(token);
        else open.set(token, left);
      };
    },
  };
}

const listQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${INBOX_MAX_LIMIT}`)
    .transform(Number)
    .optional(),
  cursor: z.string().min(1).max(64).optional(),
  token: z.string().optional(),
});
const readBody = z
  .strictObject({ ids: z.array(z.string().min(1).max(128)).min(1).max(500).optional(), all: z.boolean().optional() })
  .refine((b) => (b.ids !== undefined) !== (b.all === true), 'give either ids or all: true');

function cors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && (any || origins.includes(origin))) {
      // The token travels in a header (or the stream's query), never a cookie: no credentials mode needed.
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

/** The end-user inbox under /inbox/v1: its own bearer-token auth, CORS, and the widget. */
export function inboxRouter(deps: InboxRouterDeps): Router {
  const router = Router();
  router.use(cors(deps.corsOrigins));
  router.get('/widget.js', (_req, res) => {
    res.setHeader('content-type', 'text/javascript; charset=utf-8');
    res.setHeader('cache-control', 'public, max-age=300');
    res.status(200).send(INBOX_WIDGET_JS);
  });

  const slots = streamSlots(deps.streamLimits);
  const tokenOf = (req: Request, allowQuery: boolean): { owner: InboxOwner; token: string } => {
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S{1,2048})\s*$/i.exec(header) : null;
    // EventSource cannot set headers: the stream alone also takes ?token=.
    const token = m?.[1] ?? (allowQuery && typeof req.query.token === 'string' ? req.query.token : undefined);
    const challenge = { headers: { 'WWW-Authenticate': 'Bearer realm="notify-inbox"' } };
    if (!token) throw new HttpError(401, 'unauthorized', 'Authorization: Bearer <inbox token> is required', challenge);
    const check = verifyInboxToken(token, deps.secret, Math.floor(deps.now().getTime() / 1000));
    if (!check.ok) throw new HttpError(401, 'unauthorized', check.reason === 'expired' ? 'inbox token expired' : 'invalid inbox token', challenge);
    return { owner: { appId: check.claims.appId, userId: check.claims.userId }, token };
  };
  const ownerOf = (req: Request, allowQuery: boolean): InboxOwner => tokenOf(req, allowQuery).owner;

  const need = (): { store: ProjectionStore; feed: InboxFeed } => {
    if (!deps.inbox) throw new HttpError(503, 'unavailable', 'the inbox needs the projection store, which this API process was started without');
    return deps.inbox;
  };

  router.get('/items', async (req, res) => {
    const owner = ownerOf(req, false);
    const { store } = need();
    const q = parse(listQuery, req.query, 'query');
    res.setHeader('cache-control', 'no-store');
    res.status(200).json(await listInbox(store, { ...owner, ...(q.limit !== undefined && { limit: q.limit }), ...(q.cursor !== undefined && { cursor: q.cursor }) }));
  });

  router.post('/items/read', express.json({ limit: 64 * 1024 }), async (req, res) => {
    const owner = ownerOf(req, false);
    const { store, feed } = need();
    const body = parse(readBody, req.body ?? {});
    // Only the token's own unread items: an id of anyone else's is silently not there.
    const items = await unreadItems(store, owner, body.ids);
    const ctx = { appId: owner.appId, requestId: locals(res).requestId, now: deps.now() };
    let last = 0;
    for (const item of items) {
      const result = await handleCommand(
        deps.eventStore,
        notificationDecider,
        streams.notification(item.notificationId),
        { type: 'RecordOpen', data: { notificationId: item.notificationId, at: ctx.now.toISOString() } },
        metadataFor(ctx),
      );
      if (result.position !== undefined) last = Math.max(last, result.position);
    }
    // Answer with the read model as it is once it holds these reads: the next GET agrees with this count.
    if (last > 0) await feed.applied(last);
    const read = new Set(items.map((i) => i._id));
    const unread = await unreadItems(store, owner);
    res.status(200).json({ unread: unread.filter((i) => !read.has(i._id)).length });
  });

  router.get('/stream', async (req, res: Response) => {
    const { owner, token } = tokenOf(req, true);
    const { store, feed } = need();
    const release = slots.take(token);
    if (!release) {
      throw new HttpError(
        429,
        'too_many_streams',
        `at most ${deps.streamLimits.perToken} open streams per inbox token (and ${deps.streamLimits.total} per API process); close one or retry later`,
        {
          headers: { 'Retry-After': String(STREAM_RETRY_AFTER_S) },
        },
      );
    }
    req.on('close', release);
    const lastRaw = req.headers['last-event-id'] ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    const lastId = typeof lastRaw === 'string' && /^\d{1,15}$/.test(lastRaw) ? Number(lastRaw) : undefined;
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n\n');

    let sentUpTo = lastId ?? 0;
    let backlogDone = false;
    const buffered: Array<() => void> = [];
    const write = (text: string) => void (res.writableEnded || res.write(text));
    const sendItem = (seq: number, item: unknown) => {
      if (seq <= sentUpTo) return;
      sentUpTo = seq;
      write(`event: item\nid: ${seq}\ndata: ${JSON.stringify(item)}\n\n`);
    };
    const stop = feed.listen({
      owner,
      item: (seq, item) => (backlogDone ? sendItem(seq, item) : void buffered.push(() => sendItem(seq, item))),
      unread: (count) => write(`event: unread\ndata: ${JSON.stringify({ unread: count })}\n\n`),
    });
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), deps.heartbeatMs ?? 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      stop();
    });
    try {
      if (lastId !== undefined) {
        // What was missed: from the read model, once it holds everything the live feed has passed.
        await feed.applied(feed.position());
        for (const doc of await inboxItemsAfter(store, owner, lastId)) sendItem(doc.seq, inboxItem(doc));
      }
      backlogDone = true;
      for (const flush of buffered.splice(0)) flush();
      write(`event: unread\ndata: ${JSON.stringify({ unread: await unreadCount(store, owner) })}\n\n`);
    } catch {
      res.end();
    }
  });
  return router;
}
