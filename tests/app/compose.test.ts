import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../app/config.ts';
import { ROLES } from '../../app/main.ts';
import { readGraph } from '../layout/importGraph.ts';

/**
 * docker-compose.yml and ops/prometheus/prometheus.yml, read as Docker and Prometheus would read them
 * (no Docker engine needed; CI also runs `docker compose config` and promtool): a scaled service
 * holds no fixed host port and no shared network namespace, the secrets every process must agree on
 * come from one place, each container's ops endpoints are reachable on the compose network, and
 * Prometheus scrapes exactly the platform's services on the port they serve.
 */
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
  deploy?: { replicas?: number };
  healthcheck?: { disable?: boolean };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };

/** `${NAME}`, `${NAME-default}`, `${NAME:-default}`, `${NAME:?message}` (defaults may nest), as compose interpolates them. */
function interpolate(text: string, env: Record<string, string>, seen: Set<string>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('${', i);
    if (at < 0) return out + text.slice(i);
    out += text.slice(i, at);
    let depth = 1;
    let j = at + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text.startsWith('${', j)) depth += 1;
      else if (text[j] === '}') depth -= 1;
    }
    const inner = text.slice(at + 2, j - 1);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([\s\S]*))?$/.exec(inner);
    if (!m) throw new Error(`unreadable interpolation \${${inner}}`);
    const [, name, op, rest = ''] = m as unknown as [string, string, string | undefined, string | undefined];
    seen.add(name);
    const value = env[name];
    const empty = op?.startsWith(':') ? !value : value === undefined;
    if (!empty) out += value;
    else if (op?.endsWith('?')) throw new Error(`${name} is required: ${rest}`);
    else if (op) out += interpolate(rest, env, seen);
    i = j;
  }
  return out;
}

/** .env.example's variables: `NAME=` lines (required, to fill in) and `# NAME=` lines (optional). */
function exampleVars(): { required: Set<string>; optional: Set<string> } {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const line of read('.env.example').split('\n')) {
    const set = /^([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (set) required.add(set[1]!);
    const commented = /^#\s*([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (commented) optional.add(commented[1]!);
  }
  return { required, optional };
}

/** The image's own environment (Dockerfile ENV), under the service's. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
  for (const line of dockerfile.split('\n').filter((l) => /^ENV\s/.test(l))) {
    for (const m of line.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

/** A filled-in .env: every required variable of .env.example with a value, as an operator would leave it. */
const dotEnv: Record<string, string> = Object.fromEntries(
  [...exampleVars().required].map((name) => [name, name === 'RABBITMQ_USER' ? 'notify' : `${name.toLowerCase()}-0123456789abcdef`]),
);

/** Services that run the platform (`notify serve --roles <role>`), with the role. */
const platform = Object.entries(compose.services).flatMap(([name, s]) => {
  const at = s.command?.indexOf('--roles') ?? -1;
  return at >= 0 && s.command?.[1] === 'bin/notify.js' ? [{ name, service: s, roles: s.command[at + 1]!.split(',') }] : [];
});

/** A service's environment as its container sees it: the image's, then the service's after interpolation. */
function containerEnv(s: Service): Record<string, string> {
  const env = imageEnv();
  for (const [k, v] of Object.entries(s.environment ?? {})) env[k] = interpolate(String(v ?? ''), dotEnv, new Set());
  return env;
}

describe('docker-compose.yml', () => {
  it('runs every role, each in a service of its own', () => {
    expect(
      platform
        .map((p) => p.roles)
        .flat()
        .sort(),
    ).toEqual([...ROLES].sort());
    expect(platform.every((p) => p.roles.length === 1)).toBe(true);
  });

  it('scales senders with no fixed host port, no shared network namespace and no ops port clash', () => {
    const senders = compose.services.senders!;
    expect(senders.deploy?.replicas).toBeGreaterThanOrEqual(2);
    for (const { name, service } of platform) {
      // A replica in another container's namespace would bind the same OPS_PORT there: EADDRINUSE.
      expect(service.network_mode, name).toBeUndefined();
      expect(service.healthcheck?.disable, `${name}: the image's health check probes OPS_PORT`).not.toBe(true);
    }
    // Only a service of one replica may publish a host port, and never an ops port.
    for (const [name, s] of Object.entries(compose.services)) {
      if ((s.deploy?.replicas ?? 1) > 1) expect(s.ports ?? [], `${name} is scaled`).toEqual([]);
      const env = platform.some((p) => p.name === name) ? containerEnv(s) : {};
      for (const port of s.ports ?? []) expect(port.split(':').at(-1), `${name} publishes its ops port`).not.toBe(env.OPS_PORT);
    }
  });

  it('every platform container serves its ops endpoints on the compose network', () => {
    for (const { name, service } of platform) {
      const config = loadConfig(containerEnv(service));
      expect(config.opsHost, name).toBe('0.0.0.0');
      expect(config.opsPort, `${name}: a fixed port Prometheus can be told`).toBeGreaterThan(0);
      if (name === 'api') expect(config.opsPort).not.toBe(config.port);
    }
  });

  it('shares the secrets every process must agree on: from .env, or made once in one shared volume', () => {
    const { required } = exampleVars();
    for (const secret of ['TRACKING_SECRET', 'NOTIFY_ID_KEY']) {
      expect(required.has(secret), `${secret} to fill in in .env.example`).toBe(true);
      const values = new Set(platform.map((p) => containerEnv(p.service)[secret]));
      expect([...values], `${secret}: one value in every service`).toEqual([dotEnv[secret]]);
    }
    // Without VAPID_* the key pair is made at first start in the data dir: one volume there for all.
    const dataDir = imageEnv().NOTIFY_DATA_DIR;
    expect(dataDir).toBeTruthy();
    const mounts = new Set(platform.map((p) => (p.service.volumes ?? []).find((v) => v.endsWith(`:${dataDir}`))));
    expect(mounts.size, 'the same volume at NOTIFY_DATA_DIR in every platform service').toBe(1);
    const [mount] = [...mounts];
    expect(mount).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(mount!.split(':')[0]);
    for (const { name, service } of platform) {
      const env = containerEnv(service);
      expect(env.NOTIFY_DATA_DIR ?? dataDir, name).toBe(dataDir);
      expect(loadConfig(env).providers.webPush, `${name}: VAPID_* unset by default (the shared, simulated pair)`).toBeUndefined();
    }
  });

  it('every variable it reads is in .env.example, and a required one is required there too', () => {
    const seen = new Set<string>();
    for (const s of Object.values(compose.services)) {
      for (const v of Object.values(s.environment ?? {})) interpolate(String(v ?? ''), dotEnv, seen);
      for (const p of s.ports ?? []) interpolate(p, dotEnv, seen);
    }
    const { required, optional } = exampleVars();
    expect([...seen].filter((v) => !required.has(v) && !optional.has(v))).toEqual([]);
    // And it refuses to start without them, naming the file.
    expect(() => interpolate(String(compose.services.api!.environment!.NOTIFY_ID_KEY), {}, new Set())).toThrow(
      /NOTIFY_ID_KEY is required: set NOTIFY_ID_KEY \(see \.env\.example\)/,
    );
  });

  it('senders reach the simulator service at its name, on ports fixed on both sides', () => {
    const senders = loadConfig(containerEnv(compose.services.senders!));
    expect(senders.simHost).toBeDefined();
    const simulator = compose.services[senders.simHost!];
    expect(simulator?.command).toContain('simulator');
    const sim = loadConfig(containerEnv(simulator!));
    expect(sim.simListenHost).toBe('0.0.0.0');
    expect([sim.simProviderPort, sim.simSmtpPort]).toEqual([senders.simProviderPort, senders.simSmtpPort]);
    // Its receipts go to the API service, not to its own loopback.
    expect(new URL(sim.simReceipts.url!).hostname).toBe('api');
  });
});

describe('ops/prometheus/prometheus.yml', () => {
  const config = parse(read('ops/prometheus/prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>; static_configs?: Array<{ targets: string[] }> }>;
  };

  it('scrapes every platform service (each replica, by DNS) on the port it serves, and only services that exist', () => {
    const dns = config.scrape_configs.flatMap((j) => j.dns_sd_configs ?? []);
    expect(dns.flatMap((d) => d.names).sort()).toEqual(platform.map((p) => p.name).sort());
    for (const d of dns) {
      expect(d.type).toBe('A');
      for (const name of d.names) expect(String(loadConfig(containerEnv(compose.services[name]!)).opsPort), name).toBe(String(d.port));
    }
    for (const target of config.scrape_configs.flatMap((j) => j.static_configs ?? []).flatMap((s) => s.targets)) {
      expect(Object.keys(compose.services), target).toContain(target.split(':')[0]);
    }
    expect(config.rule_files).toEqual(['alerts.yml']);
    // The prometheus service loads this very directory.
    const prometheus = Object.values(compose.services).find((s) => s.image?.startsWith('prom/prometheus'));
    expect(prometheus?.volumes).toContain('./ops/prometheus:/etc/prometheus:ro');
  });

  it('promtool accepts it and the rules it loads (when promtool is on PATH or PROMTOOL names it)', (ctx) => {
    let out: string;
    try {
      out = execFileSync(process.env.PROMTOOL ?? 'promtool', ['check', 'config', 'ops/prometheus/prometheus.yml'], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ctx.skip();
      throw new Error(`promtool refused it: ${String((e as { stdout?: string }).stdout ?? e)}`, { cause: e });
    }
    expect(out).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('installs on Node 24 without Python or a compiler: production dependencies only, no install scripts', () => {
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:24-/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const instructions = dockerfile
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    expect(instructions).not.toMatch(/python|build-essential|node-gyp|apt-get/i);
    // .npmrc (ignore-scripts) is copied before npm ci: better-sqlite3's install would start node-gyp.
    expect(dockerfile).toMatch(/COPY [^\n]*\.npmrc[^\n]*\n(?:[^\n]*\n)*?RUN npm ci/);
    expect(read('.npmrc')).toMatch(/^ignore-scripts=true$/m);
  });

  it('copies every folder the production code imports from (the image has no tests, benchmarks or test kit)', () => {
    const copied = new Set([...dockerfile.matchAll(/^COPY (\S+) \.\/\1$/gm)].map((m) => m[1]!));
    const production = (file: string) => [...copied].some((c) => file === c || file.startsWith(`${c}/`));
    const command = compose.services.api!.command!;
    expect(copied.has(path.dirname(command[1]!))).toBe(true);
    const outside = readGraph(root).filter((e) => production(e.from) && !e.from.endsWith('.test.ts') && e.to.includes('/') && !production(e.to));
    expect(outside.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});
