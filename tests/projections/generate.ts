import type { Channel, DomainEvent, Platform } from '../../domain/events.ts';

/**
 * A deterministic, realistic event mix for tests and the benchmark: users register, add
 * devices and preferences; notifications are requested (some scheduled, some deferred) or
 * suppressed, retried, sent or failed, delivered, opened and clicked. Times move forward.
 */
export function generateEvents(count: number, seed = 1, start = Date.parse('2026-03-01T00:00:00.000Z')): DomainEvent[] {
  let s = seed >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: DomainEvent[] = [];
  let t = start;
  const iso = () => new Date((t += Math.floor(rnd() * 400))).toISOString();
  const users: string[] = [];
  const inFlight: Array<{ id: string; stage: number; channel: Channel }> = [];
  let n = 0;
  while (out.length < count) {
    const r = rnd();
    if (users.length < 5 || r < 0.05) {
      const userId = `u${users.length + 1}`;
      users.push(userId);
      out.push({ type: 'UserRegistered', data: { userId, contact: { email: `${userId}@example.test`, phone: '+33612345678' }, at: iso() } });
    } else if (r < 0.08) {
      const platform: Platform = pick(['ios', 'android'] as const);
      out.push({ type: 'DeviceRegistered', data: { userId: pick(users), token: `tok${Math.floor(rnd() * 1000)}`, platform, at: iso() } });
    } else if (r < 0.09) {
      out.push({ type: 'DeviceRemoved', data: { userId: pick(users), token: `tok${Math.floor(rnd() * 1000)}`, platform: 'ios', reason: 'token_invalid', at: iso() } });
    } else if (r < 0.1) {
      out.push({
        type: 'PreferencesChanged',
        data: { userId: pick(users), preferences: { channels: { sms: rnd() < 0.5 }, categories: { promo: { email: rnd() < 0.5 } } }, at: iso() },
      });
    } else if (r < 0.45 || inFlight.length === 0) {
      const id = `n${++n}`;
      const channel = pick(['ios', 'android', 'sms', 'email'] as const);
      const base = { notificationId: id, appId: pick(['app1', 'app2']), eventId: `ev${n}`, userId: pick(users), channel, templateId: pick(['welcome', 'digest', 'alert']) };
      if (rnd() < 0.1) {
        out.push({ type: 'NotificationSuppressed', data: { ...base, reason: pick(['opted_out', 'rate_limited', 'no_contact'] as const), at: iso() } });
        continue;
      }
      const requestedAt = iso();
      const scheduled = rnd() < 0.1;
      out.push({
        type: 'NotificationRequested',
        data: {
          ...base,
          templateVersion: 1,
          params: { name: 'x' },
          recipient: { kind: 'email', email: 'x@example.test' },
          ...(rnd() < 0.3 && { category: pick(['promo', 'news']) }),
          ...(scheduled && { scheduleAt: new Date(t + 60_000).toISOString(), ...(rnd() < 0.5 && { deferredBy: 'quiet_hours' as const }) }),
          requestedAt,
        },
      });
      inFlight.push({ id, stage: 0, channel });
    } else {
      const i = Math.floor(rnd() * inFlight.length);
      const f = inFlight[i]!;
      const notificationId = f.id;
      const done = () => inFlight.splice(i, 1);
      if (f.stage === 0 && rnd() < 0.15) {
        out.push({ type: 'NotificationAttemptFailed', data: { notificationId, attempt: 1, provider: 'sim', code: '503', message: 'busy', at: iso() } });
        f.stage = 1;
      } else if (f.stage <= 1) {
        if (rnd() < 0.05) {
          out.push({ type: 'NotificationFailed', data: { notificationId, attempt: f.stage + 1, provider: 'sim', reason: 'permanent', code: '400', message: 'bad', at: iso() } });
          done();
        } else {
          out.push({ type: 'NotificationSent', data: { notificationId, attempt: f.stage + 1, provider: 'sim', providerMessageId: `pm${notificationId}`, at: iso() } });
          f.stage = 2;
        }
      } else if (f.stage === 2) {
        out.push({ type: 'NotificationDelivered', data: { notificationId, provider: 'sim', at: iso() } });
        f.stage = 3;
        if (rnd() < 0.5) done();
      } else if (f.stage === 3) {
        out.push({ type: 'NotificationOpened', data: { notificationId, at: iso() } });
        f.stage = 4;
      } else {
        out.push({ type: 'NotificationClicked', data: { notificationId, url: 'https://example.test', at: iso() } });
        done();
      }
    }
  }
  return out.slice(0, count);
}
