import { afterEach, describe, expect, it } from 'vitest';
import { createFcmProvider } from '../../channels/providers/fcm/provider.ts';
import { silentLogger } from '../../infra/logger.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { message } from './simHelpers.ts';

const tok = (c: string) => `${c.repeat(22)}:APA91b${c.repeat(40)}`;
const push = (tokens: string[]) => message('android', { kind: 'push', platform: 'android', tokens }, { channel: 'android', title: 'Order', body: 'shipped' });

describe('credentials recover after the token authority is replaced', () => {
  const sims: Simulator[] = [];
  afterEach(async () => {
    for (const s of sims.splice(0)) await s.stop().catch(() => {});
  });

  it('FCM: the access token the new authority refuses is dropped and a fresh one fetched, so the retry goes through', async () => {
    const first = await startSimulator({ controlPort: 0, providerPort: 0 });
    sims.push(first);
    const port = first.provider.port;
    const fcm = createFcmProvider({ timeoutMs: 3000, simulator: { host: first.provider.host, port, ca: first.ca, ...first.credentials.fcm } }, silentLogger);
    try {
      expect((await fcm.send(push([tok('a')]))).kind).toBe('ok');
      // The provider is replaced: a new process that never issued the token firebase-admin holds.
      await first.stop();
      sims.pop();
      const second = await startSimulator({ controlPort: 0, providerPort: port });
      sims.push(second);
      const refused = await fcm.send(push([tok('b')]));
      expect(refused).toMatchObject({ kind: 'retryable', code: 'messaging/third-party-auth-error' });
      // Without renewal this stays refused until the cached token nears expiry (an hour).
      expect(await fcm.send(push([tok('b')]))).toMatchObject({ kind: 'ok' });
    } finally {
      await fcm.close?.();
    }
  });
});
