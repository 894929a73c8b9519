import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent, type AgentOptions } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/**
 * The one rule for URLs the platform calls on a caller's say-so (Web Push endpoints; chat webhooks
 * later): `https:` only, and never an address inside the platform's own network, unless the origin
 * is one the operator listed (a push service, or the simulator in embedded mode). The name is
 * checked where it is written, and again on the address actually connected to: the agent resolves
 * through `guardedLookup`, so a name that re-resolves to 127.0.0.1 after the check (DNS rebinding)
 * is refused at connect time.
 */

export type OutboundRefusal = 'bad_url' | 'not_https' | 'credentials' | 'forbidden_address';

export type OutboundCheck =
  { ok: true; url: URL; /** a listed origin: connect without the address guard */ listed: boolean } | { ok: false; reason: OutboundRefusal; message: string };

/** The error code `guardedLookup` fails a connection with. */
export const FORBIDDEN_ADDRESS = 'EOUTBOUNDFORBIDDEN';

/** `https://host[:port]` as URL.origin writes it, for comparing against the listed origins. */
export function normalizeOrigin(origin: string): string {
  return new URL(origin).origin;
}

const V4_FORBIDDEN: ReadonlyArray<readonly [number, number, string]> = [
  [0x00000000, 8, 'unspecified'],
  [0x0a000000, 8, 'private'],
  [0x64400000, 10, 'private'], // 100.64/10, carrier-grade NAT
  [0x7f000000, 8, 'loopback'],
  [0xa9fe0000, 16, 'link-local'],
  [0xac100000, 12, 'private'],
  [0xc0000000, 24, 'private'], // IETF protocol assignments
  [0xc0a80000, 16, 'private'],
  [0xc6120000, 15, 'private'], // benchmarking
  [0xe0000000, 4, 'multicast'],
  [0xf0000000, 4, 'reserved'], // and 255.255.255.255
];

function v4Class(n: number): string | undefined {
  for (const [net, bits, name] of V4_FORBIDDEN) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === net) return name;
  }
  return undefined;
}

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

/** The 8 groups of an IPv6 address (with `::` expanded and a dotted IPv4 tail folded in). */
function v6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4Number(tail[1]!);
    text = `${text.slice(0, -tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function v6Class(ip: string): string | undefined {
  const g = v6Groups(ip);
  const v4At = (hi: number) => v4Class(((g[hi]! << 16) | g[hi + 1]!) >>> 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0) return 'link-local'; // and the old site-local
  if ((first & 0xff00) === 0xff00) return 'multicast';
  // Forms that carry an IPv4 address: judged by that address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return v4At(6); // mapped, compatible
  if (first === 0x0064 && g[1] === 0xff9b) return v4At(6); // NAT64
  if (first === 0x2002) return v4At(1); // 6to4
  if (first === 0x2001 && g[1] === 0) return 'private'; // Teredo hides its IPv4 address: no push service uses it
  return undefined;
}

/** Why an address must not be called ('loopback', 'private', ...), or undefined when it may. */
export function forbiddenAddressClass(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return v4Class(v4Number(ip));
  if (family === 6) return v6Class(ip);
  return 'unspecified';
}

/** Names that resolve to the host itself on any sane resolver; refused before any lookup. */
const LOCAL_NAMES = /(^|\.)(localhost|localdomain|local|internal)$/i;

/** The static part of the rule: what a registration can refuse without resolving anything. */
export function checkOutboundUrl(raw: string, listedOrigins: readonly string[]): OutboundCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'bad_url', message: 'is not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'not_https', message: 'must be an https: URL' };
  if (url.username || url.password) return { ok: false, reason: 'credentials', message: 'must not carry credentials' };
  if (listedOrigins.includes(url.origin)) return { ok: true, url, listed: true };
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const cls = isIP(host) ? forbiddenAddressClass(host) : LOCAL_NAMES.test(host) ? 'loopback' : undefined;
  if (cls) return { ok: false, reason: 'forbidden_address', message: `points at a ${cls} address` };
  return { ok: true, url, listed: false };
}

type Resolve = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for http(s) agents: every address the name resolves to must pass, or the connection
 * fails with FORBIDDEN_ADDRESS before a socket is opened. One bad address refuses the name: a
 * name that resolves to a public and a loopback address is an attack, not a push service.
 */
export function guardedLookup(resolve: Resolve = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => forbiddenAddressClass(a.address) !== undefined);
      if (bad || addresses.length === 0) {
        const e: NodeJS.ErrnoException = new Error(`refused: ${hostname} resolves to a ${bad ? forbiddenAddressClass(bad.address) : 'missing'} address`);
        e.code = FORBIDDEN_ADDRESS;
        return callback(e, '', 0);
      }
      // Node asks for every address when it races families (autoSelectFamily), for one otherwise.
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** An https agent that connects only where the rule allows (listed origins go through a plain agent). */
export function createGuardedAgent(options: AgentOptions, resolve?: Resolve): Agent {
  return new Agent({ ...options, lookup: guardedLookup(resolve) });
}

/** A network failure as a classified reason, never with the address or port it names (no port scans through error texts). */
export function networkReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === FORBIDDEN_ADDRESS) return 'forbidden_address';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'connection';
  if (code === 'ETIMEDOUT' || (e instanceof Error && /timeout/i.test(e.message))) return 'timeout';
  if (
    typeof code === 'string' &&
    (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  )
    return 'tls';
  return 'network';
}
