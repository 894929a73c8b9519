import type { Channel } from '../../domain/events.ts';
import type { Alerter } from '../../infra/alerts.ts';
import type { ProviderResult } from '../port.ts';

/**
 * "A channel keeps failing": this many provider failures in a row (retryable or permanent) raise
 * one `channel_failing` alert; `recoverAfter` successes in a row clear it. The hysteresis keeps a
 * flapping provider (an odd success inside an outage) to one incident instead of one per message.
 * A dead device token is the user's problem, not the channel's, so it neither counts nor clears.
 */
export function createFailureWatch(o: { channel: Channel; threshold: number; recoverAfter?: number; alerter?: Alerter }) {
  const recoverAfter = o.recoverAfter ?? 5;
  let consecutive = 0;
  let successes = 0;
  return {
    observe(result: ProviderResult): void {
      switch (result.kind) {
        case 'ok':
          consecutive = 0;
          successes += 1;
          if (successes >= recoverAfter) o.alerter?.clear('channel_failing', o.channel);
          return;
        case 'retryable':
        case 'permanent':
          successes = 0;
          consecutive += 1;
          if (consecutive >= o.threshold) {
            o.alerter?.raise('channel_failing', o.channel, {
              channel: o.channel,
              provider: result.provider,
              consecutiveFailures: consecutive,
              lastCode: result.code,
            });
          }
          return;
        case 'token_invalid':
          return;
        default: {
          const never: never = result;
          throw new Error(`unknown provider result ${String(never)}`);
        }
      }
    },
    get consecutive() {
      return consecutive;
    },
  };
}
