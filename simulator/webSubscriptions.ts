import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto';

/** The browser side of the simulated Web Push service: subscriptions whose private keys it keeps. */
export interface WebSubscription {
  id: string;
  endpoint: string;
  ecdh: ECDH;
  auth: Buffer;
  /** The applicationServerKey the browser subscribed with; a push signed by another key is 403. */
  applicationServerKey?: string;
}

export class WebSubscriptions {
  private readonly byId = new Map<string, WebSubscription>();

  create(origin: string, applicationServerKey?: string): { endpoint: string; keys: { p256dh: string; auth: string } } {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const endpoint = `${origin}/wp/${id}`;
    this.byId.set(id, { id, endpoint, ecdh, auth, ...(applicationServerKey && { applicationServerKey }) });
    return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
  }

  get(id: string): WebSubscription | undefined {
    return this.byId.get(id);
  }
}
