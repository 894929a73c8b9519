import { describe, expect, it } from 'vitest';
import { closeProviders, createProviders, simulatedChannels } from '../../channels/providers/index.ts';
import { SIM_APNS_KEY_FILE, SIM_FCM_SERVICE_ACCOUNT_FILE } from '../../simulator/index.ts';
import { loadConfig } from '../../app/config.ts';
import { silentLogger } from '../../infra/logger.ts';
import { readFileSync } from 'node:fs';

/** The providers part of the one configuration schema (app/config.ts). */
const loadProvidersConfig = (env: Record<string, string>) => loadConfig(env).providers;

const REAL = {
  APNS_KEY_ID: 'KEY1234567',
  APNS_TEAM_ID: 'TEAM123456',
  APNS_KEY_FILE: SIM_APNS_KEY_FILE,
  APNS_TOPIC: 'com.example.app',
  FCM_SERVICE_ACCOUNT_FILE: SIM_FCM_SERVICE_ACCOUNT_FILE,
  TWILIO_ACCOUNT_SID: 'AC123',
  TWILIO_AUTH_TOKEN: 'secret',
  TWILIO_FROM: '+14155550100',
  SENDGRID_API_KEY: 'SG.key',
  SENDGRID_FROM: 'no-reply@example.com',
  VAPID_PUBLIC_KEY: `B${'A'.repeat(86)}`,
  VAPID_PRIVATE_KEY: 'k'.repeat(43),
  VAPID_SUBJECT: 'mailto:ops@example.com',
};

describe('provider configuration', () => {
  it('no credentials: every channel uses the simulator, with the default 10 s timeout', () => {
    const config = loadConfig({});
    expect(simulatedChannels(config.providers)).toEqual(['ios', 'android', 'sms', 'email', 'web']);
    expect(config.providers.timeoutMs).toEqual({ ios: 10_000, android: 10_000, web: 10_000, sms: 10_000, email: 10_000 });
  });

  it('credentials switch each channel to its real provider (SDKs built, nothing dialled)', async () => {
    const config = loadConfig(REAL);
    expect(simulatedChannels(config.providers)).toEqual([]);
    expect(config.providers.apns).toMatchObject({ keyId: 'KEY1234567', topic: 'com.example.app', production: false, key: readFileSync(SIM_APNS_KEY_FILE, 'utf8') });
    const providers = createProviders({ providers: config.providers, publicUrl: config.publicUrl }, silentLogger);
    try {
      expect(Object.values(providers).map((p) => p.name)).toEqual(['apns', 'fcm', 'webpush', 'twilio', 'sendgrid', 'inapp', 'chat']);
    } finally {
      await closeProviders(providers);
    }
  });

  it('a half-configured provider stops start-up, naming what is missing', () => {
    expect(() => loadProvidersConfig({ APNS_KEY_ID: 'k', APNS_TOPIC: 't' })).toThrow(/APNS_TEAM_ID, APNS_KEY_FILE/);
    expect(() => loadProvidersConfig({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/TWILIO_AUTH_TOKEN/);
    expect(() => loadProvidersConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'x' })).toThrow(/TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID/);
    expect(() => loadProvidersConfig({ SENDGRID_API_KEY: 'SG.x' })).toThrow(/SENDGRID_FROM/);
    expect(() => loadProvidersConfig({ FCM_PROJECT_ID: 'p' })).toThrow(/FCM_SERVICE_ACCOUNT_FILE/);
    expect(() => loadProvidersConfig({ ...REAL, APNS_KEY_FILE: '/nonexistent/key.p8' })).toThrow(/APNS_KEY_FILE: cannot read/);
    expect(() => loadProvidersConfig({ PROVIDER_TIMEOUT_MS: 'soon' })).toThrow(/PROVIDER_TIMEOUT_MS/);
    expect(() => loadProvidersConfig({ VAPID_PUBLIC_KEY: REAL.VAPID_PUBLIC_KEY })).toThrow(/VAPID_PRIVATE_KEY, VAPID_SUBJECT/);
    expect(() => loadProvidersConfig({ ...REAL, VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT must be a mailto: or https: URI/);
  });

  it('reads APNS_KEY from one environment line, APNS_PRODUCTION, and per-channel timeouts', () => {
    const p = loadProvidersConfig({
      APNS_KEY_ID: 'k',
      APNS_TEAM_ID: 't',
      APNS_TOPIC: 'x',
      APNS_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
      APNS_PRODUCTION: 'true',
      PROVIDER_TIMEOUT_MS: '5000',
      PROVIDER_TIMEOUT_MS_SMS: '2000',
    });
    expect(p.apns).toMatchObject({ key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', production: true });
    expect(p.timeoutMs).toEqual({ ios: 5000, android: 5000, web: 5000, sms: 2000, email: 5000 });
  });

  it('a channel without credentials needs the simulated endpoint the root hands in', () => {
    const { providers, publicUrl } = loadConfig({ ...REAL, SENDGRID_API_KEY: '', SENDGRID_FROM: '' });
    expect(loadConfig(REAL).providers.webPush).toEqual({ publicKey: REAL.VAPID_PUBLIC_KEY, privateKey: REAL.VAPID_PRIVATE_KEY, subject: 'mailto:ops@example.com' });
    expect(simulatedChannels(providers)).toEqual(['email']);
    expect(() => createProviders({ providers, publicUrl }, silentLogger)).toThrow(/channel email has no provider credentials/);
  });
});
