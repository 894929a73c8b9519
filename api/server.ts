import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Longer than a typical load balancer idle timeout, so it is the balancer that closes idle sockets. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

/** Listens (rejecting on EADDRINUSE instead of crashing later); `close` stops accepting, drains, then drops idle keep-alives. */
/**
 * `reusePort` (Linux, Node >= 22.12): several processes listen on one port and the kernel spreads
 * connections over them; `notify serve` runs one API process per core that way.
 */
export function listenApi(app: Express, port: number, host?: string, options: { reusePort?: boolean } = {}): Promise<ApiServer> {
  return new Promise((resolve, reject) => {
    const server: Server = http.createServer(app);
    server.listen({ port, ...(host !== undefined && { host }), ...(options.reusePort && { reusePort: true }) });
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
