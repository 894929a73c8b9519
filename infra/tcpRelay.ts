import net from 'node:net';

export interface TcpRelay {
  port: number;
  close(): Promise<void>;
}

/**
 * Accepts on `listenHost:port` and pipes each connection, bytes as they are (TLS included), to
 * `target.host:target.port`. The senders use it to reach a provider simulator in another container:
 * the simulator's endpoints are named https://localhost:<port> (its certificate's name, and what its
 * Web Push subscriptions and chat webhooks carry), so they must answer on this container's loopback.
 */
export async function startTcpRelay(options: { listenHost: string; port: number; target: { host: string; port: number } }): Promise<TcpRelay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(options.target.port, options.target.host);
    sockets.add(inbound);
    sockets.add(outbound);
    // Either side failing or closing ends both: the client sees the connection drop, as it would without the relay.
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
