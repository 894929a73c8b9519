import { randomUUID } from 'node:crypto';
import { Agent, type RequestOptions } from 'node:https';
import { connect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { cert, deleteApp, initializeApp, type App, type Credential } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import type { Logger } from '../../infra/logger.ts';
import type { Provider, ProviderMessage, ProviderResult } from '../port.ts';
import { fcmPayload } from '../render/push.ts';
import { aggregatePush, errorText, pushParts, withTimeout, type SimEndpoint, type TokenOutcome } from './common.ts';

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

export function classifyFcmError(e: unknown, token: string): TokenOutcome {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'fcm:error';
  const message = errorText(e);
  if (DEAD.has(code)) return { kind: 'dead', token, code, message };
  // FCM answers a malformed token with a plain INVALID_ARGUMENT; its message is the only tell.
  if (code === 'messaging/invalid-argument' && /registration token/i.test(message)) return { kind: 'dead', token, code, message };
  if (RETRY.has(code) || !code.startsWith('messaging/')) return { kind: 'retryable', code, message };
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
  let app: App;
  let agent: Agent | undefined;
  if (sim) {
    agent = new SimulatorAgent(sim);
    const credential: Credential = sim.serviceAccountFile
      ? cert(sim.serviceAccountFile, agent)
      : { getAccessToken: async () => ({ access_token: sim.accessToken, expires_in: 3600 }) };
    app = initializeApp({ credential, projectId: sim.projectId, httpAgent: agent }, `notify-fcm-${randomUUID()}`);
  } else {
    if (!options.serviceAccountFile) throw new Error('FCM: a service account file is required for the real provider');
    app = initializeApp(
      { credential: cert(options.serviceAccountFile), ...(options.projectId ? { projectId: options.projectId } : {}) },
      `notify-fcm-${randomUUID()}`,
    );
  }
  const messaging = getMessaging(app);
  // sendEach's HTTP/2 path dials fcm.googleapis.com itself, ignoring httpAgent; the HTTP/1.1
  // path goes through the agent, so the simulator and the real service share one code path.
  messaging.enableLegacyHttpTransport();

  return {
    channel: 'android',
    name,
    async send(message: ProviderMessage): Promise<ProviderResult> {
      const parts = pushParts(message, name);
      if (!parts.ok) return parts.result;
      try {
        const payload = fcmPayload(parts.content);
        const batch = await withTimeout(options.timeoutMs, () =>
          messaging.sendEachForMulticast({ tokens: parts.tokens, ...payload, android: { priority: 'high' } }),
        );
        const outcomes = batch.responses.map((r, i): TokenOutcome => {
          const token = parts.tokens[i] ?? '';
          if (r.success) return { kind: 'sent', id: r.messageId ?? '' };
          return classifyFcmError(r.error, token);
        });
        const result = aggregatePush(name, outcomes);
        if (result.kind !== 'ok') logger.debug({ notificationId: message.notificationId, result: result.kind, code: result.code }, 'fcm send not ok');
        return result;
      } catch (e) {
        const outcome = classifyFcmError(e, '');
        return outcome.kind === 'permanent'
          ? { kind: 'permanent', provider: name, code: outcome.code, message: outcome.message }
          : { kind: 'retryable', provider: name, code: outcome.kind === 'retryable' ? outcome.code : 'fcm:error', message: errorText(e) };
      }
    },
    async close() {
      await deleteApp(app);
      agent?.destroy();
    },
  };
}
