import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from './events.ts';
import { categoryOf, legacyTemplateStream, notificationId, parseUserKey, streams, userKey } from './streams.ts';

const UUID_V5_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const KEY = 'k'.repeat(64);

describe('notificationId', () => {
  it('is a pure function of (key, appId, eventId, userId, channel), shaped like a UUID', () => {
    const a = notificationId(KEY, 'app', 'evt-1', 'u-1', 'email');
    expect(a).toMatch(UUID_V5_SHAPE);
    expect(notificationId(KEY, 'app', 'evt-1', 'u-1', 'email')).toBe(a);
    // A fixed value: a change in the derivation would silently break deduplication of stored requests.
    expect(a).toBe('a8cc93b7-c183-5e0c-b57f-8ae706886ab2');
  });

  it('cannot be recomputed from the request alone: a plain hash of the tuple, or another key, gives another id', () => {
    const h = createHash('sha256').update(['app', 'evt-1', 'u-1', 'email'].join('\u0000')).digest('hex');
    const keyed = notificationId(KEY, 'app', 'evt-1', 'u-1', 'email');
    expect(keyed.replace(/-/g, '').slice(0, 12)).not.toBe(h.slice(0, 12));
    expect(notificationId('another-installation', 'app', 'evt-1', 'u-1', 'email')).not.toBe(keyed);
    expect(() => notificationId('', 'app', 'evt-1', 'u-1', 'email')).toThrow(/key/);
  });

  it('differs when any one component differs, and components cannot bleed into each other', () => {
    const base = notificationId(KEY, 'app', 'evt-1', 'u-1', 'email');
    expect(notificationId(KEY, 'app2', 'evt-1', 'u-1', 'email')).not.toBe(base);
    expect(notificationId(KEY, 'app', 'evt-2', 'u-1', 'email')).not.toBe(base);
    expect(notificationId(KEY, 'app', 'evt-1', 'u-2', 'email')).not.toBe(base);
    expect(notificationId(KEY, 'app', 'evt-1', 'u-1', 'sms')).not.toBe(base);
    expect(notificationId(KEY, 'ap', 'pevt-1', 'u-1', 'email')).not.toBe(base);
  });

  it('never collides on distinct tuples and always has the UUID shape (property)', () => {
    const tuple = fc.tuple(fc.string(), fc.string(), fc.string(), fc.constantFrom(...CHANNELS));
    fc.assert(
      fc.property(tuple, tuple, (x, y) => {
        expect(notificationId(KEY, ...x)).toMatch(UUID_V5_SHAPE);
        if (x.join('\u0001') !== y.join('\u0001')) expect(notificationId(KEY, ...x)).not.toBe(notificationId(KEY, ...y));
      }),
    );
  });
});

describe('stream names', () => {
  it('are built per aggregate and mapped back to their category', () => {
    expect(streams.notification('abc')).toBe('notification-abc');
    expect(streams.user('app_1', 'u1')).toBe('user-app_1-u1');
    expect(streams.user('app_1', 'u-1')).toBe('user-app_1-u%2D1');
    expect(streams.template('app_1', 't')).toBe('template-app_1-t');
    expect(streams.template('app_1', 'a-b')).not.toBe(streams.template('app_1-a', 'b'));
    expect(legacyTemplateStream('t')).toBe('template-t');
    expect(categoryOf(streams.template('app_1', 't'))).toBe('template');
    expect(streams.app('k')).toBe('app-k');
    expect(categoryOf(streams.user('a-b', 'u-1'))).toBe('user');
    expect(categoryOf('notification-abc')).toBe('notification');
    expect(categoryOf('$stats-1')).toBeUndefined();
    expect(categoryOf('nodash')).toBeUndefined();
    // Inherited object keys are not categories.
    expect(categoryOf('toString-1')).toBeUndefined();
    expect(categoryOf('constructor-1')).toBeUndefined();
  });
});

describe('user keys', () => {
  it("name one app's user: the same id in two apps is two users, and dashes cannot shift the boundary", () => {
    expect(streams.user('a', 'u1')).not.toBe(streams.user('b', 'u1'));
    expect(userKey('a-b', 'c')).not.toBe(userKey('a', 'b-c'));
    expect(parseUserKey(userKey('a-b', 'c:d@e+f.g~h'))).toEqual({ appId: 'a-b', userId: 'c:d@e+f.g~h' });
    expect(parseUserKey('no-dash-here-twice')).toBeUndefined();
  });

  it('are injective and round-trip for any strings (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (a1, u1, a2, u2) => {
        expect(parseUserKey(userKey(a1, u1))).toEqual({ appId: a1, userId: u1 });
        if (a1 !== a2 || u1 !== u2) expect(userKey(a1, u1)).not.toBe(userKey(a2, u2));
      }),
    );
  });
});
