import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { effectiveConfig, formatEffectiveConfig, maskSecret, maskUrlCredentials } from '../../app/cli/config.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/notify.js');

/** One variable's line of the printout. */
const lineOf = (out: string, name: string) => out.split('\n').find((l) => l.startsWith(`${name} `));

describe('notify config', () => {
  it('masks secrets and the credentials in URLs', () => {
    expect(maskSecret('a-long-tracking-secret')).toBe('****et');
    expect(maskSecret('short')).toBe('****');
    expect(maskUrlCredentials('amqp://notify:hunter2@mq:5672/vhost')).toBe('amqp://notify:****@mq:5672/vhost');
    expect(maskUrlCredentials('mongodb://admin:p%40ss@m1:27017,m2:27017/notify?replicaSet=rs0')).toBe('mongodb://admin:****@m1:27017,m2:27017/notify?replicaSet=rs0');
    expect(maskUrlCredentials('https://token123@collector.example.com')).toBe('https://****@collector.example.com');
    expect(maskUrlCredentials('postgres://pg:5432/notify?user=u&password=secret&sslmode=require')).toBe('postgres://pg:5432/notify?user=u&password=****&sslmode=require');
    expect(maskUrlCredentials('esdb://es:2113?tls=false')).toBe('esdb://es:2113?tls=false');
  });

  it('prints every variable with its value and source, secrets masked', () => {
    // An explicit environment: the machine's own must not leak into the expectations.
    const out = formatEffectiveConfig(
      effectiveConfig({
        PORT: '8080',
        TRACKING_SECRET: 'prod-tracking-secret-42',
        AMQP_URL: 'amqp://notify:hunter2@mq:5672',
        DATABASE_URL: 'postgres://notify:pgpass@pg:5432/notify',
        SENDGRID_API_KEY: 'SG.abcdefghijklmnop',
        SENDGRID_FROM: 'no-reply@example.com',
        PROVIDER_TIMEOUT_MS: '5000',
        PROVIDER_TIMEOUT_MS_SMS: '2000',
        NOTIFY_APP_SECRET: 'tiny',
      }),
    );
    expect(lineOf(out, 'PORT')).toMatch(/^PORT += 8080 {2}\(env\)$/);
    expect(lineOf(out, 'PUBLIC_URL')).toMatch(/= http:\/\/127\.0\.0\.1:8080 {2}\(default\)$/);
    expect(lineOf(out, 'TRACKING_SECRET')).toMatch(/= \*\*\*\*42 {2}\(env\)$/);
    expect(lineOf(out, 'AMQP_URL')).toMatch(/= amqp:\/\/notify:\*\*\*\*@mq:5672 {2}\(env\)$/);
    expect(lineOf(out, 'DATABASE_URL')).toMatch(/= postgres:\/\/notify:\*\*\*\*@pg:5432\/notify {2}\(env\)$/);
    expect(lineOf(out, 'SENDGRID_API_KEY')).toMatch(/= \*\*\*\*op {2}\(env\)$/);
    expect(lineOf(out, 'NOTIFY_APP_SECRET')).toMatch(/= \*\*\*\* {2}\(env\)$/);
    expect(lineOf(out, 'PROVIDER_TIMEOUT_MS_IOS')).toMatch(/= 5000 {2}\(default\)$/);
    expect(lineOf(out, 'PROVIDER_TIMEOUT_MS_SMS')).toMatch(/= 2000 {2}\(env\)$/);
    expect(lineOf(out, 'SENDER_MAX_ATTEMPTS')).toMatch(/= 5 {2}\(default\)$/);
    expect(lineOf(out, 'MONGO_URL')).toMatch(/= \(unset\) {2}\(default\)$/);
    // There is no default tracking secret to print (the embedded mode generates one into the data dir).
    expect(lineOf(formatEffectiveConfig(effectiveConfig({})), 'TRACKING_SECRET')).toMatch(/= \(unset\) {2}\(default\)$/);
    for (const clear of ['hunter2', 'pgpass', 'prod-tracking-secret', 'SG.abc', 'tiny']) expect(out).not.toContain(clear);
  });

  it('through the binary: prints the configuration, or refuses one the platform would refuse, naming the variable', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AMQP_URL: 'amqp://notify:hunter2@mq:5672' };
    const { stdout } = await run(process.execPath, [bin, 'config'], { env, timeout: 60_000 });
    expect(lineOf(stdout, 'AMQP_URL')).toMatch(/= amqp:\/\/notify:\*\*\*\*@mq:5672 {2}\(env\)$/);
    expect(stdout).not.toContain('hunter2');
    await expect(run(process.execPath, [bin, 'config'], { env: { ...env, SENDER_PREFETCH: 'many' }, timeout: 60_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('SENDER_PREFETCH must be a positive integer, got "many"'),
    });
  });
});
