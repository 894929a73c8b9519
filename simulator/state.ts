/**
 * The channels the simulator answers for, named as the platform names them. Its own list: the
 * simulator imports nothing of production (tests/simulator/state.test.ts holds it to the platform's).
 */
export const CHANNELS = ['ios', 'android', 'web', 'sms', 'email', 'inapp', 'chat'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One message the simulator accepted, as listed by `GET /_sim/messages`. */
export interface SimMessage {
  seq: number;
  channel: Channel;
  /** Which simulated provider took it: apns, fcm, twilio, twilio-secondary, sendgrid, smtp. */
  provider: string;
  /** device token, phone number, email address or chat webhook URL, as the provider parsed it */
  recipient: string;
  content: Record<string, unknown>;
  providerMessageId: string;
  receivedAt: string;
  /** What else the provider saw: selected headers and the identity the credentials proved. */
  meta: { headers: Record<string, string>; auth: Record<string, string> };
}

/** `POST /_sim/faults` body: one fault per channel; a new one replaces the old. */
export interface Fault {
  channel: Channel;
  /** share of requests (0..1) answered with `status` and that provider's error body */
  rate: number;
  status?: number;
  latencyMs?: number;
  /** tokens / numbers / addresses answered as invalid (APNs 410, FCM 404, Twilio 21211, SendGrid 400) */
  tokens?: string[];
  /** Only this provider of the channel (e.g. sendgrid but not smtp); absent: every provider of the channel. */
  provider?: string;
  /** Seconds sent as `Retry-After` on injected 429 and 503 answers. */
  retryAfterS?: number;
}

export type FaultDecision = { latencyMs: number; status?: number; invalid: boolean; retryAfterS?: number };

export class FieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'FieldError';
    this.field = field;
  }
}

export function parseFault(body: unknown): Fault {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FieldError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!['channel', 'rate', 'status', 'latencyMs', 'tokens', 'provider', 'retryAfterS'].includes(key)) throw new FieldError(key, `unknown field "${key}"`);
  }
  if (typeof b.channel !== 'string' || !(CHANNELS as readonly string[]).includes(b.channel)) {
    throw new FieldError('channel', `must be one of ${CHANNELS.join(', ')}`);
  }
  const rate = b.rate ?? 0;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new FieldError('rate', 'must be a number from 0 to 1');
  const fault: Fault = { channel: b.channel as Channel, rate };
  if (b.status !== undefined) {
    if (typeof b.status !== 'number' || !Number.isInteger(b.status) || b.status < 400 || b.status > 599) {
      throw new FieldError('status', 'must be an HTTP error status (400..599)');
    }
    fault.status = b.status;
  } else if (rate > 0) {
    throw new FieldError('status', 'is required when rate > 0');
  }
  if (b.latencyMs !== undefined) {
    if (typeof b.latencyMs !== 'number' || !Number.isInteger(b.latencyMs) || b.latencyMs < 0 || b.latencyMs > 600_000) {
      throw new FieldError('latencyMs', 'must be an integer from 0 to 600000');
    }
    fault.latencyMs = b.latencyMs;
  }
  if (b.tokens !== undefined) {
    if (!Array.isArray(b.tokens) || b.tokens.some((t) => typeof t !== 'string' || t === '')) {
      throw new FieldError('tokens', 'must be an array of non-empty strings');
    }
    fault.tokens = b.tokens as string[];
  }
  if (b.provider !== undefined) {
    if (typeof b.provider !== 'string' || !/^[a-z0-9-]{1,32}$/.test(b.provider)) throw new FieldError('provider', 'must be a provider name such as sendgrid or smtp');
    fault.provider = b.provider;
  }
  if (b.retryAfterS !== undefined) {
    if (typeof b.retryAfterS !== 'number' || !Number.isInteger(b.retryAfterS) || b.retryAfterS < 0 || b.retryAfterS > 86_400) {
      throw new FieldError('retryAfterS', 'must be an integer from 0 to 86400 (seconds)');
    }
    fault.retryAfterS = b.retryAfterS;
  }
  return fault;
}

export class SimState {
  private readonly messages: SimMessage[] = [];
  private seq = 0;
  /** Keyed by channel, or channel and provider: a provider's own fault wins over its channel's. */
  private readonly faults = new Map<string, Fault>();
  readonly rejected: Record<Channel, number> = { ios: 0, android: 0, web: 0, sms: 0, email: 0, inapp: 0, chat: 0 };
  private readonly maxMessages: number;
  /** Told of each accepted message (the receipts it will get back); must not block. */
  onRecord: ((message: SimMessage) => void) | undefined;

  constructor(maxMessages = 50_000) {
    this.maxMessages = maxMessages;
  }

  record(message: Omit<SimMessage, 'seq' | 'receivedAt'>): SimMessage {
    this.seq += 1;
    const full: SimMessage = { seq: this.seq, receivedAt: new Date().toISOString(), ...message };
    this.messages.push(full);
    // Oldest first out: a long benchmark must not grow the simulator without bound.
    if (this.messages.length > this.maxMessages) this.messages.splice(0, this.messages.length - this.maxMessages);
    this.onRecord?.(full);
    return full;
  }

  /** Messages with seq > since, oldest first; `last` is the newest seq ever assigned (kept even when old messages are dropped). */
  list(channel: Channel | undefined, since: number, limit = Number.POSITIVE_INFINITY): { messages: SimMessage[]; last: number } {
    // seq is strictly increasing along the array: binary search for the first one after `since`.
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages[mid]!.seq > since) hi = mid;
      else lo = mid + 1;
    }
    const messages: SimMessage[] = [];
    for (let i = lo; i < this.messages.length && messages.length < limit; i++) {
      const m = this.messages[i]!;
      if (channel === undefined || m.channel === channel) messages.push(m);
    }
    return { messages, last: this.seq };
  }

  get lastSeq(): number {
    return this.seq;
  }

  setFault(fault: Fault): void {
    this.faults.set(fault.provider ? `${fault.channel}|${fault.provider}` : fault.channel, fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  listFaults(): Fault[] {
    return [...this.faults.values()];
  }

  /** What to do with one request to `channel` for `recipient`. */
  decide(channel: Channel, recipient: string, provider?: string): FaultDecision {
    const fault = (provider !== undefined ? this.faults.get(`${channel}|${provider}`) : undefined) ?? this.faults.get(channel);
    if (!fault) return { latencyMs: 0, invalid: false };
    const invalid = fault.tokens?.includes(recipient) ?? false;
    const fail = fault.status !== undefined && fault.rate > 0 && Math.random() < fault.rate;
    return fail
      ? { latencyMs: fault.latencyMs ?? 0, invalid, status: fault.status, ...(fault.retryAfterS !== undefined && { retryAfterS: fault.retryAfterS }) }
      : { latencyMs: fault.latencyMs ?? 0, invalid };
  }
}
