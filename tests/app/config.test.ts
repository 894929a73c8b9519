import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envVars, loadClientConfig, loadConfig, type EnvVarName } from '../../app/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'fixtures' ? [] : sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

describe('the configuration schema (app/config.ts)', () => {
  it('keeps the pinned names and defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      dataDir: path.resolve('./data'),
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      simPort: 4010,
      simProviderPort: 4011,
      logLevel: 'info',
      publicUrl: 'http://127.0.0.1:3000',
      opsPort: 9464,
      opsHost: '127.0.0.1',
      otelExporter: 'off',
      rabbitPrefix: 'notify',
      sqliteDurability: 'normal',
    });
    // No constant tracking secret: unset here, generated into the data dir at start (app/secrets.ts).
    for (const unset of ['eventStoreUrl', 'mongoUrl', 'databaseUrl', 'trackingSecret', 'alertWebhookUrl', 'otlpEndpoint'] as const) expect(c[unset], unset).toBeUndefined();
    const set = loadConfig({
      PORT: '8080',
      NOTIFY_DATA_DIR: '/srv/notify',
      AMQP_URL: 'amqp://a:b@mq:5672',
      EVENTSTORE_URL: 'esdb://es:2113?tls=false',
      MONGO_URL: 'mongodb://m:27017/notify',
      DATABASE_URL: 'postgres://u:p@pg:5432/notify',
      SIM_PORT: '5010',
      OPS_PORT: '9100',
      TRACKING_SECRET: 's3cret',
      RABBIT_PREFIX: 'blue',
      PUBLIC_URL: 'https://notify.example.com/',
    });
    expect(set).toMatchObject({
      port: 8080,
      dataDir: '/srv/notify',
      amqpUrl: 'amqp://a:b@mq:5672',
      eventStoreUrl: 'esdb://es:2113?tls=false',
      mongoUrl: 'mongodb://m:27017/notify',
      databaseUrl: 'postgres://u:p@pg:5432/notify',
      simPort: 5010,
      opsPort: 9100,
      trackingSecret: 's3cret',
      rabbitPrefix: 'blue',
      publicUrl: 'https://notify.example.com',
    });
  });

  it('counts an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', MONGO_URL: '', EVENTSTORE_URL: '', OPS_PORT: '', RABBIT_PREFIX: '' })).toMatchObject({
      port: 3000,
      mongoUrl: undefined,
      eventStoreUrl: undefined,
      rabbitPrefix: 'notify',
    });
    expect(loadConfig({ OPS_PORT: '' }).opsPort).toBe(9464);
    expect(loadConfig({ TRACKING_SECRET: '' }).trackingSecret).toBeUndefined();
  });

  it('refuses bad values with errors that name the variable', () => {
    expect(() => loadConfig({ SIM_PORT: '-1' })).toThrow(/SIM_PORT must be a non-negative integer, got "-1"/);
    expect(() => loadConfig({ OPS_PORT: 'ops' })).toThrow(/OPS_PORT must be a non-negative integer/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "loud"/);
    expect(() => loadConfig({ OTEL_EXPORTER: 'jaeger' })).toThrow(/OTEL_EXPORTER must be off, console or otlp/);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otelExporter).toBe('otlp');
    // Every problem at once, not the first only.
    expect(() => loadConfig({ PORT: 'x', API_BODY_LIMIT: 'y' })).toThrow(/PORT must .*; API_BODY_LIMIT must/);
  });

  it('builds the monitoring settings, with their checks', () => {
    expect(loadConfig({}).monitoring).toEqual({
      queuePollMs: 5000,
      queueStatsMs: 30_000,
      managementUrl: undefined,
      failureRate: 0.5,
      failureWindowMs: 60_000,
      failureMinSamples: 20,
      backlogThreshold: 1000,
      lagThreshold: 1000,
      backlogRisingSamples: 3,
      parkingQuietMs: 300_000,
    });
    expect(loadConfig({ ALERT_FAILURE_RATE: '1', ALERT_BACKLOG_THRESHOLD: '0', RABBITMQ_MANAGEMENT_URL: 'http://mq:15672' }).monitoring).toMatchObject({
      failureRate: 1,
      backlogThreshold: 0,
      managementUrl: 'http://mq:15672',
    });
    expect(() => loadConfig({ ALERT_FAILURE_RATE: '0' })).toThrow(/ALERT_FAILURE_RATE must be a number in \(0, 1\], got "0"/);
    expect(() => loadConfig({ ALERT_FAILURE_RATE: '1.5' })).toThrow(/ALERT_FAILURE_RATE/);
    expect(() => loadConfig({ QUEUE_POLL_MS: '0' })).toThrow(/QUEUE_POLL_MS must be a positive integer/);
    expect(() => loadConfig({ ALERT_BACKLOG_THRESHOLD: '-1' })).toThrow(/ALERT_BACKLOG_THRESHOLD must be a non-negative integer/);
  });

  it("reads the client commands' variables alone, so a server-side mistake does not stop `notify send`", () => {
    expect(loadClientConfig({ PORT: '3100', APNS_KEY_ID: 'half-configured' })).toEqual({ apiUrl: 'http://127.0.0.1:3100', appKey: undefined, appSecret: undefined });
    expect(loadClientConfig({ NOTIFY_API_URL: 'http://api:3000', NOTIFY_APP_KEY: 'k', NOTIFY_APP_SECRET: 's' })).toEqual({
      apiUrl: 'http://api:3000',
      appKey: 'k',
      appSecret: 's',
    });
  });

  it('marks secrets, and URLs that carry credentials', () => {
    const secret = (name: EnvVarName) => envVars().find((v) => v.name === name)?.secret;
    for (const name of ['TRACKING_SECRET', 'APNS_KEY', 'TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY', 'SENDGRID_WEBHOOK_PUBLIC_KEY', 'NOTIFY_APP_SECRET', 'ALERT_WEBHOOK_URL'] as const)
      expect(secret(name), name).toBe(true);
    for (const name of ['AMQP_URL', 'EVENTSTORE_URL', 'MONGO_URL', 'DATABASE_URL', 'RABBITMQ_MANAGEMENT_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const)
      expect(secret(name), name).toBe('userinfo');
    expect(secret('PORT')).toBeUndefined();
  });

  it('is the only reader of the environment: nothing below app/ touches process.env', () => {
    const below = ['domain', 'infra', 'projections', 'commands', 'workflow', 'dispatcher', 'channels', 'monitors', 'api', 'simulator'].flatMap((dir) =>
      sources(path.join(root, dir)),
    );
    expect(below.length).toBeGreaterThan(20);
    const readers = below.filter((file) => /process\.env/.test(readFileSync(file, 'utf8'))).map((file) => path.relative(root, file));
    expect(readers).toEqual([]);
    const configImporters = below.filter((file) => /from '[./]*\/app\/config\.ts'/.test(readFileSync(file, 'utf8'))).map((file) => path.relative(root, file));
    expect(configImporters).toEqual([]);
  });
});
