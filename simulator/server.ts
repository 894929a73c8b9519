import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { handleApns } from './apns.ts';
import { handleChat } from './chat.ts';
import { ChatWebhooks } from './chatWebhooks.ts';
import { handleControl } from './control.ts';
import { defaultSimCredentials, SIM_CERT_FILE, SIM_KEY_FILE, type SimCredentials } from './credentials.ts';
import { fcmError, handleFcm } from './fcm.ts';
import { handleOauthToken } from './oauth.ts';
import { Receipts, type ReceiptOptions } from './receipts.ts';
import { handleSendgrid } from './sendgrid.ts';
import { startSmtpSimulator } from './smtp.ts';
import { SimState, type Channel } from './state.ts';
import { handleTwilio } from './twilio.ts';
import { handleWebPush } from './webpush.ts';
import { WebSubscriptions } from './webSubscriptions.ts';
import { readBody, send, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

export interface SimulatorOptions {
  /** plain-HTTP control API (`/_sim/...`); 0 picks a free port */
  controlPort: number;
  /** TLS port speaking HTTP/2 (APNs) and HTTP/1.1 (FCM, Twilio, SendGrid); 0 picks a free port */
  providerPort: number;
  host?: string;
  credentials?: SimCredentials;
  maxMessages?: number;
  /** plain-TCP SMTP relay (the email failover); 0 (default) picks a free port */
  smtpPort?: number;
  /** Delivery receipts, opens and clicks sent back to the platform; absent: none (`receipts.configure` later). */
  receipts?: ReceiptOptions;
}

export interface Simulator {
  urls: { control: string; provider: string };
  /** host and port the provider side listens on, for SDK seams that dial a socket */
  provider: { host: string; port: number };
  /** the SMTP relay, for the SMTP provider (nodemailer) */
  smtp: { host: string; port: number };
  /** PEM of the self-signed certificate the provider side presents */
  ca: string;
  credentials: SimCredentials;
  state: SimState;
  /** The receipts sent back (`GET /_sim/receipts`); `configure` points them at a platform started later. */
  receipts: Receipts;
  /** What POST /_sim/web/subscriptions answers, in process (benchmarks, tests). */
  webSubscribe(applicationServerKey?: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  /** What POST /_sim/chat/webhooks answers, in process. */
  chatWebhook(): { url: string };
  stop(): Promise<void>;
}

type Route = { channel: Channel; handle: (req: SimRequest, ctx: ProviderContext) => Promise<SimResponse> };

function route(path: string): Route | undefined {
  let m = /^\/3\/device\/([^/]+)$/.exec(path);
  if (m) return { channel: 'ios', handle: (r, c) => handleApns(r, c, decodeURIComponent(m![1]!)) };
  m = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
  if (m) return { channel: 'android', handle: (r, c) => handleFcm(r, c, decodeURIComponent(m![1]!)) };
  m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
  if (m) return { channel: 'sms', handle: (r, c) => handleTwilio(r, c, decodeURIComponent(m![1]!)) };
  if (path === '/v3/mail/send') return { channel: 'email', handle: handleSendgrid };
  m = /^\/wp\/([0-9a-f-]{36})$/.exec(path);
  if (m) return { channel: 'web', handle: (r, c) => handleWebPush(r, c, m![1]!) };
  m = /^\/chat\/webhooks\/([0-9a-f-]{36})$/.exec(path);
  if (m) return { channel: 'chat', handle: (r, c) => handleChat(r, c, m![1]!, c.origin ?? '') };
  if (path === '/token') return { channel: 'android', handle: handleOauthToken };
  return undefined;
}

function listen(server: Server | Http2SecureServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server | Http2SecureServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets and HTTP/2 sessions would hold close() open forever.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const credentials = options.credentials ?? defaultSimCredentials();
  const state = new SimState(options.maxMessages);
  const receipts = new Receipts(credentials, options.receipts);
  state.onRecord = (message) => receipts.onMessage(message);
  const webSubscriptions = new WebSubscriptions();
  const chatWebhooks = new ChatWebhooks();
  const ctx: ProviderContext = { state, credentials, issuedTokens: new Set(), webSubscriptions, chatWebhooks };
  const ca = readFileSync(SIM_CERT_FILE, 'utf8');
  const sessions = new Set<{ destroy(): void }>();

  const providerServer = createSecureServer({ key: readFileSync(SIM_KEY_FILE), cert: ca, allowHTTP1: true }, (req, res) => {
    // A client that gave up (its timeout) may have reset the stream by the time we answer: never crash on that.
    req.on('error', () => {});
    res.on('error', () => {});
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://simulator');
      const r = route(url.pathname);
      try {
        if (!r) return send(res, { status: 404, body: { error: `no simulated provider at ${url.pathname}` } });
        const body = await readBody(req);
        if (body === undefined)
          return send(res, r.channel === 'android' ? fcmError(400, { message: 'Request payload size exceeds the limit' }) : { status: 413, body: { error: 'payload too large' } });
        const answer = await r.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }, ctx);
        if (answer.status >= 300) state.rejected[r.channel] += 1;
        send(res, answer);
      } catch (e) {
        send(res, { status: 500, body: { error: e instanceof Error ? e.message : String(e) } });
      }
    })().catch(() => res.destroy?.());
  });
  providerServer.on('sessionError', () => {});
  providerServer.on('session', (session) => {
    session.on('error', () => {});
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const tlsSockets = new Set<{ destroy(): void }>();
  providerServer.on('secureConnection', (socket: TLSSocket) => {
    tlsSockets.add(socket);
    socket.on('close', () => tlsSockets.delete(socket));
  });

  const providerPort = await listen(providerServer, options.providerPort, host);
  // Subscriptions name the provider side by the host its certificate is issued to.
  const web = { subscriptions: webSubscriptions, origin: `https://localhost:${providerPort}` };
  ctx.origin = web.origin;
  const chat = { webhooks: chatWebhooks, origin: web.origin };
  const controlServer = createServer((req, res) => void handleControl(req, res, state, web, receipts, chat).catch(() => res.destroy()));

  let controlPort: number;
  let smtp: Awaited<ReturnType<typeof startSmtpSimulator>>;
  try {
    controlPort = await listen(controlServer, options.controlPort, host);
  } catch (e) {
    await close(providerServer);
    throw e;
  }
  try {
    smtp = await startSmtpSimulator(state, credentials, host, options.smtpPort ?? 0);
  } catch (e) {
    await Promise.all([close(providerServer), close(controlServer)]);
    throw e;
  }
  return {
    urls: { control: `http://${host}:${controlPort}`, provider: `https://localhost:${providerPort}` },
    provider: { host, port: providerPort },
    smtp: { host, port: smtp.port },
    ca,
    credentials,
    state,
    receipts,
    webSubscribe: (key) => webSubscriptions.create(web.origin, key),
    chatWebhook: () => chatWebhooks.create(web.origin),
    async stop() {
      receipts.stop();
      for (const s of sessions) s.destroy();
      for (const s of tlsSockets) s.destroy();
      await Promise.all([close(providerServer), close(controlServer), smtp.stop()]);
    },
  };
}
