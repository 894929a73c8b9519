import net from 'node:net';

/** Everything the suite talks to is on this host: the private broker, the platform and the simulator. */
export const HOST = '127.0.0.1';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A port below the kernel's ephemeral range (32768+), where an outgoing connection cannot take it while a process restarts. */
export async function freePort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, HOST, () => srv.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port found in 100 tries');
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, HOST);
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Polls `cond` every `stepMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(cond)
        .catch(() => false)
    )
      return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** The Retry-After header, when the answer has one. */
  retryAfter?: string;
}

/** One HTTP call with a time bound; a network error or timeout is status 0 (the caller decides whether to retry). */
export async function http(method: string, url: string, options: { body?: unknown; auth?: string; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        ...(options.auth ? { authorization: options.auth } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const retryAfter = res.headers.get('retry-after');
    return { status: res.status, body, ...(retryAfter !== null && { retryAfter }) };
  } catch (e) {
    return { status: 0, body: e instanceof Error ? e.message : String(e) };
  }
}

/** Runs `fn` over `items` with at most `width` in flight. */
export async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
