import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ERASED, type DomainEvent, type EventMetadata, type Params, type Recipient } from '../../domain/events.ts';
import { userKey } from '../../domain/streams.ts';
import type { DataKey, KeyVault } from '../keyVault/port.ts';
import { validateAppend, type EventStore, type NewEvent, type RecordedEvent } from './port.ts';

/**
 * Crypto-shredding around any EventStore: the personal fields of an event (email, phone, device
 * tokens, notification params) are sealed with their user's data key (AES-256-GCM, the key in a
 * KeyVault outside the log) on append and opened on read. Once the key is destroyed they read as
 * ERASED (params as {}), while every other field (ids, types, times, statuses) stays readable, so
 * counts, statuses, projections and rebuilds keep working on an append-only log.
 *
 * A sealed string is `enc:v1:<kid>:<base64url(iv | ciphertext | tag)>`, bound to its user by the
 * GCM additional data; sealed params are `{ "$enc": <sealed JSON> }`. Values written before this
 * existed (no prefix) read as they are.
 */
const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

type Seal = (value: string) => string;
type SealParams = (params: Params) => Params;

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
    case 'PreferencesChanged':
    case 'UserErased':
    case 'NotificationSuppressed':
    case 'NotificationSent':
    case 'NotificationAttemptFailed':
    case 'NotificationFailed':
    case 'NotificationDelivered':
    case 'NotificationOpened':
    case 'NotificationClicked':
    case 'TemplatePublished':
    case 'AppRegistered':
    case 'AppSecretRotated':
    case 'AppRevoked':
      return undefined;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** The same event with each personal value passed through `str` (strings) or `params`. */
function mapPersonal<E extends DomainEvent>(event: E, str: Seal, params: SealParams): E {
  const e: DomainEvent = event;
  switch (e.type) {
    case 'UserRegistered': {
      const { email, phone, ...rest } = e.data.contact;
      const contact = { ...rest, ...(email !== undefined && { email: str(email) }), ...(phone !== undefined && { phone: str(phone) }) };
      return { ...e, data: { ...e.data, contact } } as E;
    }
    case 'ContactChanged': {
      const { email, phone, ...rest } = e.data.changes;
      const changes = { ...rest, ...(email !== undefined && { email: email === null ? null : str(email) }), ...(phone !== undefined && { phone: phone === null ? null : str(phone) }) };
      return { ...e, data: { ...e.data, changes } } as E;
    }
    case 'DeviceRegistered':
      return { ...e, data: { ...e.data, token: str(e.data.token) } } as E;
    case 'DeviceRemoved':
      return { ...e, data: { ...e.data, token: str(e.data.token) } } as E;
    case 'NotificationRequested':
      return { ...e, data: { ...e.data, recipient: mapRecipient(e.data.recipient, str), params: params(e.data.params) } } as E;
    case 'PreferencesChanged':
    case 'UserErased':
    case 'NotificationSuppressed':
    case 'NotificationSent':
    case 'NotificationAttemptFailed':
    case 'NotificationFailed':
    case 'NotificationDelivered':
    case 'NotificationOpened':
    case 'NotificationClicked':
    case 'TemplatePublished':
    case 'AppRegistered':
    case 'AppSecretRotated':
    case 'AppRevoked':
      return event;
    default: {
      const never: never = e;
      return never;
    }
  }
}

function mapRecipient(r: Recipient, str: Seal): Recipient {
  switch (r.kind) {
    case 'email':
      return { ...r, email: str(r.email) };
    case 'sms':
      return { ...r, phone: str(r.phone) };
    case 'push':
      return { ...r, tokens: r.tokens.map(str) };
    default: {
      const never: never = r;
      return never;
    }
  }
}

function sealWith(dk: DataKey, scope: string): Seal {
  return (value) => {
    if (value.startsWith(PREFIX)) throw new Error('refusing to seal a value that already looks sealed');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dk.key, iv);
    cipher.setAAD(Buffer.from(scope, 'utf8'));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${PREFIX}${dk.kid}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  };
}

/** Opens a sealed value; a missing key, another key (made after an erasure) or a forged value all read as ERASED. */
function openWith(dk: DataKey | undefined, scope: string): Seal {
  return (value) => {
    if (!value.startsWith(PREFIX)) return value;
    const colon = value.indexOf(':', PREFIX.length);
    if (!dk || colon < 0 || value.slice(PREFIX.length, colon) !== dk.kid) return ERASED;
    try {
      const raw = Buffer.from(value.slice(colon + 1), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', dk.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(scope, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return ERASED;
    }
  };
}

const sealParams = (seal: Seal): SealParams => (params) => ({ $enc: seal(JSON.stringify(params)) });
const openParams = (open: Seal): SealParams => (params) => {
  const sealed = params.$enc;
  if (Object.keys(params).length !== 1 || typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) return params;
  const json = open(sealed);
  return json === ERASED ? {} : (JSON.parse(json) as Params);
};

export function withPersonalDataEncryption(inner: EventStore, vault: KeyVault): EventStore {
  async function sealEvent(event: NewEvent): Promise<NewEvent> {
    const scope = personalScopeOf(event, event.metadata);
    if (scope === undefined) return event;
    const seal = sealWith(await vault.getOrCreate(scope), scope);
    return mapPersonal(event, seal, sealParams(seal));
  }

  function openEvent(event: RecordedEvent, keys: Map<string, DataKey>): RecordedEvent {
    const scope = personalScopeOf(event, event.metadata);
    if (scope === undefined) return event;
    const open = openWith(keys.get(scope), scope);
    return mapPersonal(event, open, openParams(open));
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
    return events.map((e) => openEvent(e, keys));
  }

  return {
    async append(stream, events, expected) {
      validateAppend(stream, events, expected);
      const sealed: NewEvent[] = [];
      for (const e of events) sealed.push(await sealEvent(e));
      return inner.append(stream, sealed, expected);
    },
    async readStream(stream, options) {
      return openAll(await inner.readStream(stream, options));
    },
    async readAll(options) {
      return openAll(await inner.readAll(options));
    },
    subscribe(options) {
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
  };
}
