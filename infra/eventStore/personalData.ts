import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { ERASED, type DomainEvent, type EventMetadata, type Params, type Recipient, type WebPushKeys } from '../../domain/events.ts';
import { userKey } from '../../domain/streams.ts';
import type { DataKey, KeyVault } from '../keyVault/port.ts';
import { LruMap } from '../lru.ts';
import { commitCountOf } from './groupCommit.ts';
import { validateAppend, validateAppendMulti, type EventStore, type NewEvent, type RecordedEvent, type StreamAppend } from './port.ts';

/**
 * Crypto-shredding around any EventStore: the personal fields of an event (email, phone, device
 * tokens, notification params) are sealed with their user's data key (AES-256-GCM, the key in a
 * KeyVault outside the log) on append and opened on read. Once the key is destroyed they read as
 * ERASED (params as {}), while every other field (ids, types, times, statuses) stays readable, so
 * counts, statuses, projections and rebuilds keep working on an append-only log.
 *
 * On disk each personal field holds the placeholder `[sealed]` (params `{}`), and the event's data
 * gains `$sealed: "enc:v1:<kid>:<base64url(iv | ciphertext | tag)>"`: the field values, in the order
 * `mapPersonal` visits them, as one JSON array. One cipher per event (creating an AES-GCM context
 * costs ~60 us here, far more than the bytes), bound to its user by the GCM additional data, and
 * tied to one key by `kid`. Events written before this existed (no `$sealed`) read as they are.
 */
const PREFIX = 'enc:v1:';
const SEALED = '[sealed]';
const SEALED_FIELD = '$sealed';
const IV_BYTES = 12;
const TAG_BYTES = 16;

type MapString = (value: string) => string;
type MapParams = (params: Params) => Params;

/** The user (app + user id) whose personal data an event holds; undefined for events that hold none. */
export function personalScopeOf(event: DomainEvent, metadata: EventMetadata): string | undefined {
  switch (event.type) {
    case 'UserRegistered':
    case 'ContactChanged':
    case 'DeviceRegistered':
    case 'DeviceRemoved':
      // User streams are one app's (domain/streams.ts): the app is the one that appended.
      return userKey(metadata.appId, event.data.userId);
    case 'NotificationRequested':
      return userKey(event.data.appId, event.data.userId);
    // A suppression that carries a fallback keeps the request's params for the next channel.
    case 'NotificationSuppressed':
      return event.data.params !== undefined ? userKey(event.data.appId, event.data.userId) : undefined;
    // An inbox item is the rendered content itself: the user's personal data.
    case 'NotificationSent':
      return event.data.inbox !== undefined ? userKey(metadata.appId, event.data.inbox.userId) : undefined;
    case 'PreferencesChanged':
    case 'UserErased':
    case 'NotificationAttemptFailed':
    case 'NotificationFailed':
    case 'NotificationDelivered':
    case 'NotificationOpened':
    case 'NotificationClicked':
    case 'TemplatePublished':
    case 'AppRegistered':
    case 'AppSecretRotated':
    case 'AppRevoked':
    case 'NotificationRedriven':
    case 'NotificationConverted':
    case 'RedriveRequested':
    case 'NotificationCanceled':
    case 'NotificationDigested':
    case 'NotificationsLinked':
    case 'DigestWindowOpened':
    case 'DigestMemberAdded':
    case 'DigestWindowClosed':
    case 'CategoryDefined':
    case 'ScheduleOccurred':
    case 'ScheduleDeleted':
    // User ids only (ids outlive an erasure, as in UserErased); a topic send's params are one
    // content for every subscriber, not one user's data (a user's own copy is sealed in its request).
    case 'TopicSubscribed':
    case 'TopicUnsubscribed':
    case 'FanoutStarted':
    case 'FanoutBatchCompleted':
    case 'FanoutCompleted':
    // Operators are staff accounts, not the users of an app: nothing of theirs is crypto-shredded
    // (the TOTP secret is sealed with its own key before it reaches the log, commands/operatorTotp.ts).
    case 'OperatorCreated':
    case 'OperatorPasswordChanged':
    case 'OperatorTotpEnabled':
    case 'OperatorTotpDisabled':
    case 'OperatorRoleChanged':
    case 'OperatorDisabled':
    case 'OperatorEnabled':
      return undefined;
    // A schedule for one user keeps its params under that user's key (erasure shreds them with the rest).
    case 'ScheduleCreated':
      return event.data.target.single ? userKey(event.data.appId, event.data.target.userIds[0]!) : undefined;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** The same event with each personal value passed through `str` (strings) or `params`. */
function mapPersonal<E extends DomainEvent>(event: E, str: MapString, params: MapParams): E {
  const e: DomainEvent = event;
  switch (e.type) {
    case 'UserRegistered': {
      const { email, phone, chatWebhookUrl, ...rest } = e.data.contact;
      const contact = {
        ...rest,
        ...(email !== undefined && { email: str(email) }),
        ...(phone !== undefined && { phone: str(phone) }),
        ...(chatWebhookUrl !== undefined && { chatWebhookUrl: str(chatWebhookUrl) }),
      };
      return { ...e, data: { ...e.data, contact } } as E;
    }
    case 'ContactChanged': {
      const { email, phone, chatWebhookUrl, ...rest } = e.data.changes;
      const opt = (v: string | null) => (v === null ? null : str(v));
      const changes = {
        ...rest,
        ...(email !== undefined && { email: opt(email) }),
        ...(phone !== undefined && { phone: opt(phone) }),
        ...(chatWebhookUrl !== undefined && { chatWebhookUrl: opt(chatWebhookUrl) }),
      };
      return { ...e, data: { ...e.data, changes } } as E;
    }
    case 'DeviceRegistered': {
      // A web subscription's keys travel with its endpoint: sealed as one object (params-like).
      const { keys, ...rest } = e.data;
      return { ...e, data: { ...rest, token: str(e.data.token), ...(keys !== undefined && { keys: params(keys as unknown as Params) as unknown as WebPushKeys }) } } as E;
    }
    case 'DeviceRemoved':
      return { ...e, data: { ...e.data, token: str(e.data.token) } } as E;
    case 'NotificationRequested':
      return { ...e, data: { ...e.data, recipient: mapRecipient(e.data.recipient, str, params), params: params(e.data.params) } } as E;
    case 'NotificationSuppressed':
      return (e.data.params !== undefined ? { ...e, data: { ...e.data, params: params(e.data.params) } } : e) as E;
    case 'NotificationSent': {
      const inbox = e.data.inbox;
      if (inbox === undefined) return event;
      const sealedInbox = { ...inbox, title: str(inbox.title), body: str(inbox.body), ...(inbox.url !== undefined && { url: str(inbox.url) }) };
      return { ...e, data: { ...e.data, inbox: sealedInbox } } as E;
    }
    case 'PreferencesChanged':
    case 'UserErased':
    case 'NotificationAttemptFailed':
    case 'NotificationFailed':
    case 'NotificationDelivered':
    case 'NotificationOpened':
    case 'NotificationClicked':
    case 'TemplatePublished':
    case 'AppRegistered':
    case 'AppSecretRotated':
    case 'AppRevoked':
    case 'NotificationRedriven':
    case 'NotificationConverted':
    case 'RedriveRequested':
    case 'NotificationCanceled':
    case 'NotificationDigested':
    case 'NotificationsLinked':
    case 'DigestWindowOpened':
    case 'DigestMemberAdded':
    case 'DigestWindowClosed':
    case 'CategoryDefined':
    case 'ScheduleOccurred':
    case 'ScheduleDeleted':
    case 'TopicSubscribed':
    case 'TopicUnsubscribed':
    case 'FanoutStarted':
    case 'FanoutBatchCompleted':
    case 'FanoutCompleted':
    case 'OperatorCreated':
    case 'OperatorPasswordChanged':
    case 'OperatorTotpEnabled':
    case 'OperatorTotpDisabled':
    case 'OperatorRoleChanged':
    case 'OperatorDisabled':
    case 'OperatorEnabled':
      return event;
    case 'ScheduleCreated':
      return { ...e, data: { ...e.data, params: params(e.data.params) } } as E;
    default: {
      const never: never = e;
      return never;
    }
  }
}

function mapRecipient(r: Recipient, str: MapString, params: MapParams): Recipient {
  switch (r.kind) {
    case 'email':
      return { ...r, email: str(r.email) };
    case 'sms':
      return { ...r, phone: str(r.phone) };
    case 'push': {
      // webKeys is keyed by endpoint: sealed whole, so no endpoint shows as a property name.
      const { webKeys, ...rest } = r;
      return { ...rest, tokens: r.tokens.map(str), ...(webKeys !== undefined && { webKeys: params(webKeys as unknown as Params) as unknown as Record<string, WebPushKeys> }) };
    }
    case 'inapp':
      return r;
    case 'chat':
      // A webhook URL is a credential (whoever holds it posts to the channel) and the user's: sealed like an address.
      return { ...r, webhookUrl: str(r.webhookUrl) };
    default: {
      const never: never = r;
      return never;
    }
  }
}

/**
 * A cipher made from raw key bytes builds a KeyObject first, ~40 us here against ~9 us from a
 * ready one: key objects are kept per (user, kid), a bounded LRU in memory only. The vault stays
 * the authority: a value is sealed or opened only with a key it just returned, so a destroyed key
 * is never used again, even while its object ages out of this cache.
 */
const keyObjects = new LruMap<string, KeyObject>(10_000);
function keyObjectOf(dk: DataKey, scope: string): KeyObject {
  const id = `${scope}\u0000${dk.kid}`;
  let ko = keyObjects.get(id);
  if (!ko) keyObjects.set(id, (ko = createSecretKey(dk.key)));
  return ko;
}

function seal(dk: DataKey, scope: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(dk, scope), iv);
  cipher.setAAD(Buffer.from(scope, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${dk.kid}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The plaintext, or undefined when the key is gone, is another one (made after an erasure), or the value was altered. */
function open(dk: DataKey | undefined, scope: string, sealed: string): string | undefined {
  if (!sealed.startsWith(PREFIX)) return undefined;
  const colon = sealed.indexOf(':', PREFIX.length);
  if (!dk || colon < 0 || sealed.slice(PREFIX.length, colon) !== dk.kid) return undefined;
  try {
    const raw = Buffer.from(sealed.slice(colon + 1), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(dk, scope), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(scope, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function sealEvent<E extends DomainEvent>(event: E, dk: DataKey, scope: string): E {
  const values: unknown[] = [];
  const mapped = mapPersonal(
    event,
    (v) => {
      values.push(v);
      return SEALED;
    },
    (p) => {
      values.push(p);
      return {};
    },
  );
  if (values.length === 0) return event;
  return { ...mapped, data: { ...mapped.data, [SEALED_FIELD]: seal(dk, scope, JSON.stringify(values)) } };
}

function openEvent<E extends DomainEvent>(event: E, dk: DataKey | undefined, scope: string): E {
  const { [SEALED_FIELD]: sealed, ...data } = event.data as Record<string, unknown>;
  if (typeof sealed !== 'string') return event;
  const json = open(dk, scope, sealed);
  const values = json === undefined ? [] : (JSON.parse(json) as unknown[]);
  let i = 0;
  return mapPersonal(
    { ...event, data } as E,
    () => {
      const v = values[i++];
      return typeof v === 'string' ? v : ERASED;
    },
    () => {
      const v = values[i++];
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : {};
    },
  );
}

export function withPersonalDataEncryption(inner: EventStore, vault: KeyVault): EventStore {
  async function sealOne(event: NewEvent): Promise<NewEvent> {
    const scope = personalScopeOf(event, event.metadata);
    if (scope === undefined) return event;
    return sealEvent(event, await vault.getOrCreate(scope), scope);
  }

  function openOne(event: RecordedEvent, keys: Map<string, DataKey>): RecordedEvent {
    const scope = personalScopeOf(event, event.metadata);
    return scope === undefined ? event : openEvent(event, keys.get(scope), scope);
  }

  /** One vault read per call, whatever the number of events. */
  async function openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const scopes = new Set<string>();
    for (const e of events) {
      const scope = personalScopeOf(e, e.metadata);
      if (scope !== undefined) scopes.add(scope);
    }
    if (scopes.size === 0) return events;
    const keys = await vault.getMany([...scopes]);
    return events.map((e) => openOne(e, keys));
  }

  return {
    positionUnit: inner.positionUnit,
    async append(stream, events, expected) {
      validateAppend(stream, events, expected);
      const sealed: NewEvent[] = [];
      for (const e of events) sealed.push(await sealOne(e));
      return inner.append(stream, sealed, expected);
    },
    async appendMulti(batch) {
      validateAppendMulti(batch);
      const sealed: StreamAppend[] = [];
      for (const b of batch) {
        const events: NewEvent[] = [];
        for (const e of b.events) events.push(await sealOne(e));
        sealed.push({ ...b, events });
      }
      return inner.appendMulti(sealed);
    },
    async readStream(stream, options) {
      return openAll(await inner.readStream(stream, options));
    },
    async readAll(options) {
      return openAll(await inner.readAll(options));
    },
    subscribe(options) {
      // A consumer that reads no personal field gets the events as stored: no key lookup, no cipher.
      if (options.personalData === false) return inner.subscribe(options);
      return inner.subscribe({
        ...options,
        onEvent: async (event) => {
          const [opened] = await openAll([event]);
          await options.onEvent(opened!);
        },
      });
    },
    headPosition: () => inner.headPosition(),
    close: () => inner.close(),
    ...commitCountOf(inner),
  };
}
