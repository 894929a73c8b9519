import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

/** Listens (rejecting on EADDRINUSE instead of crashing later); `close` stops accepting, drains, then drops idle keep-alives. */
export function listenApi(app: Express, port: number, host?: string): Promise<ApiServer> {
  return new Promise((resolve, reject) => {
    const server: Server = host ? app.listen(port, host) : app.listen(port);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      // Longer than a typical load balancer idle timeout, so it is the balancer that closes idle sockets.
      server.keepAliveTimeout = 65_000;
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
