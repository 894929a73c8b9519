import { recipientErased, type Channel, type EventMetadata, type NotificationRequested, type Recipient } from '../../domain/events.ts';
import { isFinal, type NotificationState } from '../../domain/notification.ts';
import { streams } from '../../domain/streams.ts';
import { userDecider } from '../../domain/user.ts';
import { loadState } from '../../commands/handle.ts';
import { readNotification } from '../../commands/readNotification.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { currentTraceparent, inSpan } from '../../infra/telemetry.ts';
import type { Provider, ProviderResult, RenderedContent } from '../port.ts';
import { nextRetry, type RetryPolicy, type ScheduledRetry } from '../retryPolicy.ts';
import { recordOutcome, removeDeadTokens, type RecordResult } from './outcome.ts';
import type { Held, OutcomeCommand } from './recorder.ts';
import { redactText } from '../../infra/redact.ts';

/**
 * One delivery, from the log's point of view: read the notification, decide whether to call the
 * provider, call it, record the outcome. Returns what the runtime must do with the message; all
 * RabbitMQ side effects (ack, retry publish, park) stay in the runtime.
 */
export type Action =
  | { kind: 'ack'; note: 'sent' | 'failed' | 'skipped_final' | 'already_recorded' }
  /** The delay queue and expiry the policy chose; `delayMs` is recorded as the attempt's `retryInMs`. */
  | ({ kind: 'retry'; nextAttempt: number } & ScheduledRetry)
  | { kind: 'park'; reason: ParkReason; detail: string }
  /** Another delivery holds this attempt's claim: look again later, when its outcome is in the log. */
  | { kind: 'defer' };

export type ParkReason = 'malformed' | 'wrong_channel' | 'unknown_notification' | 'permanent' | 'exhausted' | 'delivery_limit';

export type Render = (request: NotificationRequested['data']) => Promise<RenderedContent>;

export interface DeliverDeps {
  channel: Channel;
  eventStore: EventStore;
  provider: Provider;
  render: Render;
  /** Decides exhaustion and each retry's delay (channels/retryPolicy.ts). */
  retry: RetryPolicy;
  /** The retry delay's jitter (default Math.random). */
  random?: () => number;
  providerTimeoutMs: number;
  now: () => Date;
  /**
   * Records one outcome (recorder.ts: batched, and kept in the sender's outbox when the store
   * refuses it). Resolves once the outcome is durable somewhere; the message may then be acked.
   * Default: one plain append per outcome.
   */
  record?: (read: { state: NotificationState; revision: number }, command: OutcomeCommand, metadata: EventMetadata) => Promise<RecordResult>;
  /** Outcomes this sender holds that the log does not show yet (its outbox). */
  held?: (notificationId: string) => Held | undefined;
  /**
   * Claims (notification, attempt) before the provider is called (claims.ts). 'lost': another
   * delivery is making this attempt, so this copy is deferred; 'unavailable': the claim store did
   * not answer, and the delivery goes on unclaimed (at-least-once). Absent: no claims.
   */
  claim?: (notificationId: string, attempt: number) => Promise<'won' | 'lost' | 'unavailable'>;
  /** Told about every provider answer (latency in seconds), for metrics and the failing-channel alert. */
  onProviderResult?: (result: ProviderResult, seconds: number) => void;
  /** `render` failures of this kind can never succeed on a retry. */
  isPermanentRenderError?: (e: unknown) => boolean;
}

export async function deliver(deps: DeliverDeps, notificationId: string, headerAttempt: number): Promise<Action> {
  const stream = streams.notification(notificationId);
  const { events: recorded, state, revision } = await readNotification(deps.eventStore, notificationId);
  if (recorded.length === 0) return { kind: 'park', reason: 'unknown_notification', detail: `no stream ${stream}` };
  const request = state.request;
  if (!request) {
    if (isFinal(state.status)) return { kind: 'ack', note: 'skipped_final' };
    return { kind: 'park', reason: 'unknown_notification', detail: `${stream} has no request` };
  }
  if (isFinal(state.status)) return { kind: 'ack', note: 'skipped_final' };
  if (request.channel !== deps.channel) return { kind: 'park', reason: 'wrong_channel', detail: `${request.channel} notification on the ${deps.channel} queue` };

  // An outcome in the outbox counts as recorded: a final one is never sent again.
  const held = deps.held?.(notificationId);
  if (held?.final) return { kind: 'ack', note: 'already_recorded' };
  // A redelivery after a recorded attempt moves on to the next number instead of colliding with it.
  const attempt = Math.max(headerAttempt, state.lastAttempt + 1, (held?.lastAttempt ?? 0) + 1);
  const first = recorded.find((e) => e.type === 'NotificationRequested') ?? recorded[0]!;
  const traceparent = currentTraceparent() ?? first.metadata.traceparent;
  const metadata: EventMetadata = {
    correlationId: first.metadata.correlationId,
    causationId: first.id,
    appId: request.appId,
    ...(traceparent ? { traceparent } : {}),
  };
  const read = { state, revision };
  const record = deps.record ?? ((r: typeof read, command: OutcomeCommand, md: EventMetadata) => recordOutcome(deps.eventStore, r, command, md));
  const at = () => deps.now().toISOString();
  // Updated to whoever answered: a failover provider names the one that carried the attempt.
  let provider = deps.provider.name;
  /** Set once rendered: the template variant this attempt carries, recorded with its outcome. */
  let variant: { locale?: string } = {};

  // Provider and render texts can quote the recipient: redacted before they are stored, parked or logged.
  const fail = async (reason: 'permanent' | 'exhausted' | 'token_invalid', code: string, raw: string): Promise<Action> => {
    const message = redactText(raw);
    const r = await record(
      read,
      {
        type: 'RecordAttemptOutcome',
        data: { notificationId, attempt, provider, at: at(), outcome: { kind: 'failed', reason, code, message } },
      },
      metadata,
    );
    if (r === 'already_recorded') return { kind: 'ack', note: 'already_recorded' };
    // A dead token is the user's device, and an erased user is gone on purpose: not message problems, nothing to park.
    if (reason === 'token_invalid' || code === 'user_erased') return { kind: 'ack', note: 'failed' };
    return { kind: 'park', reason, detail: `${code}: ${message}`.slice(0, 300) };
  };
  const retry = async (code: string, raw: string, retryAfterMs?: number): Promise<Action> => {
    // A redriven notification gets a fresh budget (and starts again at the first tier): attempts are counted from the redrive on.
    const next = nextRetry(deps.retry, attempt - state.attemptBase, retryAfterMs, deps.random);
    if (next === 'exhausted') return fail('exhausted', code, `${raw} (after ${attempt} attempts)`);
    const message = redactText(raw);
    const r = await record(
      read,
      {
        type: 'RecordAttemptOutcome',
        data: {
          notificationId,
          attempt,
          provider,
          at: at(),
          ...variant,
          // The delay actually scheduled (a provider's Retry-After already honoured in it), which "why" shows.
          outcome: { kind: 'retry', code, message, retryInMs: next.delayMs },
        },
      },
      metadata,
    );
    return r === 'recorded' ? { kind: 'retry', nextAttempt: attempt + 1, ...next } : { kind: 'ack', note: 'already_recorded' };
  };

  // The user was erased after the request: their address is gone and must not be guessed at.
  if (recipientErased(request.recipient)) return fail('permanent', 'user_erased', 'the recipient was erased');
  let recipient: Recipient = request.recipient;
  if (recipient.kind === 'push') {
    // Tokens removed since the request (dead, or deleted by the user) are never used again.
    const user = await loadState(deps.eventStore, userDecider, streams.user(request.appId, request.userId), { cached: true });
    const live = recipient.tokens.filter((t) => user.state.devices[t] !== undefined);
    if (live.length === 0) return fail('token_invalid', 'no_device', 'no registered device token remains');
    recipient = { ...recipient, tokens: live };
  } else if (recipient.kind === 'chat') {
    // A webhook found dead (or replaced) since the request is never called again.
    const user = await loadState(deps.eventStore, userDecider, streams.user(request.appId, request.userId), { cached: true });
    if (user.state.contact.chatWebhookUrl !== recipient.webhookUrl) return fail('token_invalid', 'no_webhook', 'the chat webhook URL is no longer on the user');
  }

  let content: RenderedContent;
  try {
    content = await inSpan('sender.render', () => deps.render(request));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (deps.isPermanentRenderError?.(e)) return fail('permanent', 'render_failed', message);
    return retry('render_error', message);
  }

  if (content.locale !== undefined) variant = { locale: content.locale };
  // Last step before the provider: a second copy of this message (a republish, a redelivery) being
  // delivered at the same moment elsewhere must not call it too.
  if (deps.claim && (await inSpan('sender.claim', () => deps.claim!(notificationId, attempt))) === 'lost') return { kind: 'defer' };
  const started = process.hrtime.bigint();
  const result = await inSpan('provider.send', async (span) => {
    span.setAttribute('provider', provider);
    span.setAttribute('attempt', attempt);
    const r = await callWithTimeout(
      deps.provider,
      {
        notificationId,
        channel: deps.channel,
        recipient,
        content,
        attempt,
        appId: request.appId,
        userId: request.userId,
      },
      deps.providerTimeoutMs,
    );
    span.setAttribute('outcome', r.kind);
    return r;
  });
  deps.onProviderResult?.(result, Number(process.hrtime.bigint() - started) / 1e9);
  provider = result.provider;

  switch (result.kind) {
    case 'ok': {
      if (result.invalidTokens?.length) await removeDeadTokensAfterSend(deps, request, result.invalidTokens, at(), metadata);
      const r = await record(
        read,
        {
          type: 'RecordAttemptOutcome',
          data: {
            notificationId,
            attempt,
            provider: result.provider,
            at: at(),
            ...variant,
            outcome: {
              kind: 'sent',
              providerMessageId: result.providerMessageId,
              ...(content.channel === 'sms' ? { segments: content.segments } : {}),
              // The inbox item is this event: the inbox read model and the live stream are fed from it.
              ...(content.channel === 'inapp'
                ? { inbox: { userId: request.userId, title: content.title, body: content.body, ...(content.url !== undefined && { url: content.url }) } }
                : {}),
            },
          },
        },
        metadata,
      );
      return { kind: 'ack', note: r === 'recorded' ? 'sent' : 'already_recorded' };
    }
    case 'retryable':
      return retry(result.code, result.message, result.retryAfterMs);
    case 'permanent':
      return fail('permanent', result.code, result.message);
    case 'token_invalid': {
      await removeDeadTokensAfterSend(deps, request, result.tokens, at(), metadata);
      const remaining = recipient.kind === 'push' ? recipient.tokens.filter((t) => !result.tokens.includes(t)) : [];
      if (remaining.length === 0) return fail('token_invalid', result.code, result.message);
      // Some devices are still alive: the next attempt goes to them only.
      return retry('token_invalid_partial', `${result.tokens.length} token(s) invalid; ${remaining.length} remain`);
    }
    default: {
      const never: never = result;
      return never;
    }
  }
}

/**
 * The last delivery the broker allows (x-delivery-limit): earlier ones could not be settled (the
 * store refused, a sender died holding it). No provider call: the outcome `delivery_limit` goes to
 * the log (or the outbox) and the runtime parks the message, so the notification ends resolved
 * instead of pending behind a message the broker dead-lettered on its own.
 */
export async function failAtDeliveryLimit(deps: DeliverDeps, notificationId: string, headerAttempt: number, deliveries: number): Promise<Action> {
  const stream = streams.notification(notificationId);
  const { events: recorded, state, revision } = await readNotification(deps.eventStore, notificationId);
  if (recorded.length === 0) return { kind: 'park', reason: 'unknown_notification', detail: `no stream ${stream}` };
  const held = deps.held?.(notificationId);
  if (isFinal(state.status) || held?.final) return { kind: 'ack', note: 'skipped_final' };
  const first = recorded.find((e) => e.type === 'NotificationRequested') ?? recorded[0]!;
  const attempt = Math.max(headerAttempt, state.lastAttempt + 1, (held?.lastAttempt ?? 0) + 1);
  const detail = `delivered ${deliveries + 1} times without being settled`;
  const read = { state, revision };
  const command: OutcomeCommand = {
    type: 'RecordAttemptOutcome',
    data: {
      notificationId,
      attempt,
      provider: deps.provider.name,
      at: deps.now().toISOString(),
      outcome: { kind: 'failed', reason: 'delivery_limit', code: 'delivery_limit', message: detail },
    },
  };
  const metadata: EventMetadata = {
    correlationId: first.metadata.correlationId,
    causationId: first.id,
    appId: state.request?.appId ?? first.metadata.appId,
    ...(first.metadata.traceparent ? { traceparent: first.metadata.traceparent } : {}),
  };
  const r = await (deps.record ?? ((rd: typeof read, c: OutcomeCommand, md: EventMetadata) => recordOutcome(deps.eventStore, rd, c, md)))(read, command, metadata);
  if (r === 'already_recorded') return { kind: 'ack', note: 'already_recorded' };
  return { kind: 'park', reason: 'delivery_limit', detail };
}

/**
 * The provider has been called: a store error here must not fail the delivery (the message would
 * come back and the provider be called again). The dead tokens are reported again by the next send.
 */
async function removeDeadTokensAfterSend(deps: DeliverDeps, request: NotificationRequested['data'], tokens: readonly string[], at: string, metadata: EventMetadata): Promise<void> {
  try {
    await removeDeadTokens(deps.eventStore, request.appId, request.userId, tokens, at, metadata, request.recipient.kind === 'chat' ? 'chat' : 'device');
  } catch {
    // store refusing writes: the outcome (recorded next) is what must not be lost
  }
}

/**
 * The deadline aborts the request (the adapter hands the signal to its SDK's HTTP client), so a
 * late answer cannot land after the retry has been scheduled wherever the SDK allows it.
 */
async function callWithTimeout(provider: Provider, message: Parameters<Provider['send']>[0], timeoutMs: number): Promise<ProviderResult> {
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();
  const timeout = new Promise<ProviderResult>((resolve) => {
    timer = setTimeout(() => {
      abort.abort(new Error(`no answer within ${timeoutMs} ms`));
      resolve({ kind: 'retryable', provider: provider.name, code: 'timeout', message: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      provider.send(message, { signal: abort.signal }).catch(
        // Adapters classify their own errors; one that escapes anyway is treated as transient.
        (e: unknown): ProviderResult => ({ kind: 'retryable', provider: provider.name, code: 'provider_threw', message: e instanceof Error ? e.message : String(e) }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
