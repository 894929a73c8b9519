/**
 * A server that cannot listen says which setting to change: Node's own error ("listen EADDRINUSE:
 * address already in use 127.0.0.1:9464") names a port, not the variable that chose it, and a
 * process that binds five ports (API, ops, simulator control, provider and SMTP) leaves the operator
 * guessing. Only app/ knows the settings' names, so the composition root translates here.
 */
export interface ListenSetting {
  /** The variable that chose the port, e.g. `PORT`, `OPS_PORT`. */
  name: string;
  port: number;
  /** The variable that chose the address, when one did (`OPS_HOST`). */
  hostSetting?: string;
}

interface ListenFailure {
  code: string;
  port?: number;
  address?: string;
  hostname?: string;
  syscall?: string;
}

function asListenFailure(e: unknown): ListenFailure | undefined {
  if (!(e instanceof Error) || !('code' in e) || typeof e.code !== 'string') return undefined;
  return e as Error & ListenFailure;
}

/** `e` itself when it is not a listen error of one of `settings`; else an error naming the setting, with `e` as its cause. */
export function explainListenError(e: unknown, settings: readonly ListenSetting[]): unknown {
  const failure = asListenFailure(e);
  if (!failure) return e;
  // getaddrinfo ENOTFOUND: a host setting names a host this machine cannot resolve.
  if (failure.syscall === 'getaddrinfo') {
    const hosts = [...new Set(settings.filter((s) => s.hostSetting !== undefined).map((s) => s.hostSetting!))];
    return hosts.length > 0
      ? new Error(`${hosts.join(' or ')} names a host that does not resolve ("${failure.hostname ?? ''}"): set it to an address of this machine`, { cause: e })
      : e;
  }
  if (failure.syscall !== 'listen' && failure.syscall !== 'bind') return e;
  if (failure.code === 'EADDRNOTAVAIL') {
    // Node reports the address, not always the port: every host setting is a suspect.
    const hosts = [...new Set(settings.filter((s) => s.hostSetting !== undefined).map((s) => s.hostSetting!))];
    if (hosts.length === 0) return e;
    return new Error(`${hosts.join(' or ')} ${failure.address ?? ''} is not an address of this machine (set ${hosts.join(' or ')} to one of its addresses, or 0.0.0.0)`, {
      cause: e,
    });
  }
  const named = settings.filter((s) => s.port !== 0 && s.port === failure.port);
  if (named.length === 0) return e;
  const names = named.map((s) => s.name).join(' and ');
  const change = named.length > 1 ? `set ${named.map((s) => s.name).join(' or ')} to another port: they may not share one` : `set ${names} to another port`;
  switch (failure.code) {
    case 'EADDRINUSE':
      return new Error(`${names} ${failure.port} ${named.length > 1 ? 'are' : 'is'} in use (${change})`, { cause: e });
    case 'EACCES':
      return new Error(`${names} ${failure.port} may not be bound by this user (ports below 1024 need root or CAP_NET_BIND_SERVICE; ${change})`, { cause: e });
    default:
      return e;
  }
}
