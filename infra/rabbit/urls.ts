import amqp, { type ChannelModel } from 'amqplib';

/**
 * AMQP_URL names one broker node or several nodes of one cluster, comma-separated
 * (`amqp://u:p@h1:5672,amqp://u:p@h2:5672`). Every connection starts at one node and fails over to
 * the next in turn, so a cluster keeps serving while a node is down (quorum queues keep a majority).
 */
export function parseAmqpUrls(value: string): string[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new Error('expects one amqp:// or amqps:// URL, or several separated by commas, with none empty');
  return parts.map((part, i) => {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new Error(`node ${i + 1} of ${parts.length} is not a URL (expected amqp://user:password@host:port/vhost)`);
    }
    if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') throw new Error(`node ${i + 1} of ${parts.length} has scheme ${url.protocol} (expected amqp: or amqps:)`);
    if (!url.hostname) throw new Error(`node ${i + 1} of ${parts.length} names no host`);
    return part;
  });
}

/** The vhost every node of the list serves (the first node's: a cluster has one set of vhosts). */
export function amqpVhost(value: string): string {
  const first = parseAmqpUrls(value)[0] ?? '';
  return decodeURIComponent(new URL(first).pathname.slice(1)) || '/';
}

/** Where a URL points, without its credentials: for logs. */
export function amqpNodeLabel(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'amqps:' ? '5671' : '5672')}`;
}

/** A short-lived connection to the first node of the list that answers (probes, operator actions). */
export async function connectFirst(value: string, options?: Parameters<typeof amqp.connect>[1]): Promise<ChannelModel> {
  let last: unknown;
  for (const url of parseAmqpUrls(value)) {
    try {
      return await amqp.connect(url, options);
    } catch (e) {
      last = e;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
