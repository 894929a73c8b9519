import type { Channel } from '../domain/events.ts';
import { CHANNELS } from '../domain/events.ts';
import type { Config } from './config.ts';
import { createEventStore } from './eventStore/index.ts';
import type { EventStore } from './eventStore/port.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';

/**
 * The composition root: plain function calls, environment already read into `config`, no container.
 * Each role is started by one function owned by its part of the tree; `serve` runs them all.
 */
export const ROLES = ['simulator', 'projections', 'dispatcher', 'senders', 'api'] as const;
export type Role = (typeof ROLES)[number];

export interface PlatformOptions {
  roles: readonly Role[];
  channels: readonly Channel[];
}

export interface Platform {
  config: Config;
  eventStore: EventStore;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startPlatform(config: Config, logger: Logger, options: PlatformOptions = { roles: ROLES, channels: CHANNELS }): Promise<Platform> {
  const metrics = createMetrics();
  const eventStore = await createEventStore(config, logger);
  // Stopped in reverse order of start: the API closes first so nothing new arrives while the rest drains.
  const stops: Array<() => Promise<void>> = [() => eventStore.close()];

  for (const role of ROLES) {
    if (!options.roles.includes(role)) continue;
    switch (role) {
      case 'simulator':
        break;
      case 'projections':
        break;
      case 'dispatcher':
        break;
      case 'senders':
        break;
      case 'api':
        break;
      default: {
        const never: never = role;
        throw new Error(`unknown role ${String(never)}`);
      }
    }
  }

  return {
    config,
    eventStore,
    metrics,
    async stop() {
      for (const stop of stops.reverse()) {
        try {
          await stop();
        } catch (e) {
          logger.warn({ err: e }, 'error while stopping');
        }
      }
    },
  };
}
