import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Longer than a typical load balancer idle timeout, so it is the balancer that closes idle sockets. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * Linux, Node >= 22.12: several sockets listen on one port and the kernel spreads connections
   * over them; `notify serve` runs an API in several processes that way.
   */
  reusePort?: boolean;
  /**
   * With `reusePort`: listening sockets in this process. Node 24's libuv accepts one connection
   * per listening socket per event-loop turn; in a process whose turns take 100-500 ms of delivery
   * work, one socket accepts 2-10 connections/s while kept-alive connections are read every turn,
   * so under load requests on new connections waited 12-70 s (bench:e2e --phases f, issue 23).
   * n sockets accept n per turn.
   */
  acceptors?: number;
  /**
   * Connections the kernel completes and holds until the process accepts them. Past it the kernel
   * drops the handshake's last ACK: the client believes it is connected and sends its request, and
   * the server retries its SYN-ACK after 1, 2, 4, 8, 16 s. Node's default is 511; the kernel caps
   * it at net.core.somaxconn.
   */
  backlog?: number;
}

function listenOne(app: Express, port: number, host: string | undefined, options: ListenOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server: Server = http.createServer(app);
    server.listen({ port, backlog: options.backlog ?? 4096, ...(host !== undefined && { host }), ...(options.reusePort && { reusePort: true }) });
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      resolve(server);
    });
  });
}

/** Listens (rejecting on EADDRINUSE instead of crashing later); `close` stops accepting, drains, then drops idle keep-alives. */
export async function listenApi(app: Express, port: number, host?: string, options: ListenOptions = {}): Promise<ApiServer> {
  const first = await listenOne(app, port, host, options);
  const actual = (first.address() as AddressInfo).port;
  const servers = [first];
  try {
    // The others on the port the first got (port 0 picks one).
    const more = options.reusePort ? Math.max(0, (options.acceptors ?? 1) - 1) : 0;
    for (let i = 0; i < more; i++) servers.push(await listenOne(app, actual, host, options));
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    port: actual,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeIdleConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
