import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Agent, type RequestOptions } from 'node:https';
import { connect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { cert, deleteApp, initializeApp, type App, type Credential } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import type { Logger } from '../../../infra/logger.ts';
import type { Provider, ProviderMessage, ProviderResult, SendOptions } from '../../port.ts';
import { fcmPayload } from '../../render/push.ts';
import { aggregatePush, errorText, pushParts, watchRetryAfter, withTimeout, type SimEndpoint, type TokenOutcome } from '../base/common.ts';

export interface FcmOptions {
  /** real FCM: a service-account JSON file (firebase-admin's own OAuth flow) */
  serviceAccountFile?: string;
  projectId?: string;
  timeoutMs: number;
  /**
   * set: talk to the simulator. With `serviceAccountFile` the SDK's own service-account OAuth
   * flow runs (signed JWT exchanged at the simulated oauth2.googleapis.com); without it, a
   * static access token.
   */
  simulator?: SimEndpoint & { projectId: string; accessToken: string; serviceAccountFile?: string };
}

const DEAD = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token']);
/** May pass later; auth errors included so a credential fixed by an operator loses nothing. */
const RETRY = new Set([
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/topics-message-rate-exceeded',
  'messaging/server-unavailable',
  'messaging/internal-error',
  'messaging/unknown-error',
  'messaging/third-party-auth-error',
  'messaging/authentication-error',
  'messaging/mismatched-credential',
  'app/network-error',
  'app/network-timeout',
  'app/invalid-credential',
]);

/**
 * The credential or its access token was refused (FCM 401 UNAUTHENTICATED surfaces as
 * third-party-auth-error; a failed token fetch as app/invalid-credential). firebase-admin keeps
 * the access token it got until it nears expiry, so a token revoked or issued by a replaced
 * authority would be sent again for up to an hour: the app is rebuilt (fresh credential, fresh
 * token) before the retry.
 */
const AUTH = new Set(['messaging/third-party-auth-error', 'messaging/authentication-error', 'app/invalid-credential']);
const codeOf = (e: unknown) => (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '');

/** `retryAfterMs`: the answer's Retry-After (firebase-admin drops the headers; watchRetryAfter keeps it). */
export function classifyFcmError(e: unknown, token: string, retryAfterMs?: number): TokenOutcome {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'fcm:error';
  const message = errorText(e);
  if (DEAD.has(code)) return { kind: 'dead', token, code, message };
  // FCM answers a malformed token with a plain INVALID_ARGUMENT; its message is the only tell.
  if (code === 'messaging/invalid-argument' && /registration token/i.test(message)) return { kind: 'dead', token, code, message };
  if (RETRY.has(code) || !code.startsWith('messaging/')) return { kind: 'retryable', code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  return { kind: 'permanent', code, message };
}

/** The seam: every TLS connection firebase-admin opens lands on the simulator, verified against its certificate. */
class SimulatorAgent extends Agent {
  private readonly sim: SimEndpoint;
  constructor(sim: SimEndpoint) {
    super({ keepAlive: true, ca: sim.ca });
    this.sim = sim;
  }
  override createConnection(options: RequestOptions): Duplex {
    const servername = typeof options.servername === 'string' && options.servername ? options.servername : 'fcm.googleapis.com';
    return connect({ host: this.sim.host, port: this.sim.port, ca: this.sim.ca, servername, ALPNProtocols: ['http/1.1'] });
  }
}

export function createFcmProvider(options: FcmOptions, logger: Logger): Provider {
  const sim = options.simulator;
  const name = sim ? 'simulator:fcm' : 'fcm';
  const agent: Agent | undefined = sim ? new SimulatorAgent(sim) : undefined;
  if (!sim && !options.serviceAccountFile) throw new Error('FCM: a service account file is required for the real provider');
  let generation = 0;
  /**
   * firebase-admin's cert() hands out one credential per service account for the whole process
   * (keyed by the argument's JSON), and that credential keeps its OAuth client and token. After the
   * first build, the same file under a distinct path string (`./` and `/` segments spelling the
   * generation in binary) gets a credential, hence a token, of its own. (A parsed object would
   * also be distinct, but firebase-admin then drops the http agent for the token request.)
   */
  function serviceAccount(file: string): string {
    if (generation === 0) return file;
    const spelled = generation
      .toString(2)
      .split('')
      .map((bit) => (bit === '1' ? './' : '/'))
      .join('');
    return `${path.dirname(file)}/${spelled}${path.basename(file)}`;
  }
  function build(): { app: App; messaging: ReturnType<typeof getMessaging> } {
    let app: App;
    if (sim) {
      const credential: Credential = sim.serviceAccountFile
        ? cert(serviceAccount(sim.serviceAccountFile), agent)
        : { getAccessToken: async () => ({ access_token: sim.accessToken, expires_in: 3600 }) };
      app = initializeApp({ credential, projectId: sim.projectId, httpAgent: agent! }, `notify-fcm-${randomUUID()}`);
    } else {
      app = initializeApp(
        { credential: cert(serviceAccount(options.serviceAccountFile!)), ...(options.projectId ? { projectId: options.projectId } : {}) },
        `notify-fcm-${randomUUID()}`,
      );
    }
    const messaging = getMessaging(app);
    // sendEach's HTTP/2 path dials fcm.googleapis.com itself, ignoring httpAgent; the HTTP/1.1
    // path goes through the agent, so the simulator and the real service share one code path.
    messaging.enableLegacyHttpTransport();
    return { app, messaging };
  }
  let current = build();
  let rebuiltAt = 0;
  // One rebuild for a burst of refusals (every in-flight send sees the same 401); while rebuilding
  // does not help (a revoked key), further ones back off to one per 5 minutes.
  let gapMs = 2_000;
  function renewCredential(): void {
    if (Date.now() - rebuiltAt < gapMs) return;
    if (rebuiltAt > 0) gapMs = Math.min(300_000, gapMs * 2);
    rebuiltAt = Date.now();
    const old = current.app;
    generation += 1;
    current = build();
    logger.warn({ provider: name }, 'fcm refused the access token: credential rebuilt, a fresh token is fetched before the retry');
    // In-flight sends on the old app finish first.
    setTimeout(() => void deleteApp(old).catch(() => {}), 30_000).unref();
  }

  return {
    channel: 'android',
    name,
    // FCM has no idempotency key, and collapse_key is not one (at most four distinct keys per device
    // are kept while it is offline): a timed-out send that landed is not deduplicated by FCM.
    // firebase-admin takes no AbortSignal; its own request timeout is fixed (15 s), so the deadline
    // here returns earlier and the late answer is dropped.
    async send(message: ProviderMessage, _options?: SendOptions): Promise<ProviderResult> {
      const parts = pushParts(message, name);
      if (!parts.ok) return parts.result;
      const watch = watchRetryAfter();
      try {
        const payload = fcmPayload(parts.content);
        const { messaging } = current;
        const batch = await watch.run(() =>
          withTimeout(options.timeoutMs, () => messaging.sendEachForMulticast({ tokens: parts.tokens, ...payload, android: { priority: 'high' } })),
        );
        const outcomes = batch.responses.map((r, i): TokenOutcome => {
          const token = parts.tokens[i] ?? '';
          if (r.success) return { kind: 'sent', id: r.messageId ?? '' };
          if (AUTH.has(codeOf(r.error))) renewCredential();
          return classifyFcmError(r.error, token, watch.retryAfterMs());
        });
        const result = aggregatePush(name, outcomes);
        if (result.kind === 'ok') gapMs = 2_000;
        if (result.kind !== 'ok') logger.debug({ notificationId: message.notificationId, result: result.kind, code: result.code }, 'fcm send not ok');
        return result;
      } catch (e) {
        if (AUTH.has(codeOf(e))) renewCredential();
        const outcome = classifyFcmError(e, '', watch.retryAfterMs());
        return outcome.kind === 'permanent'
          ? { kind: 'permanent', provider: name, code: outcome.code, message: outcome.message }
          : aggregatePush(name, [outcome.kind === 'retryable' ? outcome : { kind: 'retryable', code: 'fcm:error', message: errorText(e) }]);
      }
    },
    async close() {
      await deleteApp(current.app);
      agent?.destroy();
    },
  };
}
