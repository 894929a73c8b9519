import { startSimulator, type Fault, type SimMessage, type Simulator } from '../../simulator/index.ts';
import type { SimEndpoint } from '../../channels/providers/base/common.ts';
import type { ProviderMessage, RenderedContent } from '../../channels/port.ts';
import type { Channel, Recipient } from '../../domain/events.ts';

/** A simulator on free ports, plus typed access to its pinned control API. */
export async function startTestSimulator() {
  const sim: Simulator = await startSimulator({ controlPort: 0, providerPort: 0 });
  const endpoint: SimEndpoint = { host: sim.provider.host, port: sim.provider.port, ca: sim.ca };
  return {
    sim,
    endpoint,
    async messages(channel?: Channel, since = 0): Promise<{ messages: SimMessage[]; last: number }> {
      const q = new URLSearchParams({ since: String(since), ...(channel ? { channel } : {}) });
      const res = await fetch(`${sim.urls.control}/_sim/messages?${q.toString()}`);
      if (res.status !== 200) throw new Error(`GET /_sim/messages -> ${res.status}`);
      return (await res.json()) as { messages: SimMessage[]; last: number };
    },
    async fault(fault: Partial<Fault> & { channel: Channel }): Promise<void> {
      const res = await fetch(`${sim.urls.control}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
      if (res.status !== 200) throw new Error(`POST /_sim/faults -> ${res.status} ${await res.text()}`);
    },
    async clearFaults(): Promise<void> {
      await fetch(`${sim.urls.control}/_sim/faults`, { method: 'DELETE' });
    },
  };
}

let counter = 0;
export function message(channel: Channel, recipient: Recipient, content: RenderedContent): ProviderMessage {
  counter += 1;
  return { notificationId: `0000000${counter}-test-5000-8000-000000000000`, channel, recipient, content, attempt: 1, appId: 'app-1', userId: 'user-1' };
}

export const hexToken = (c: string) => c.repeat(64);
