import type { Channel } from '../../domain/events.ts';
import type { Alerter } from '../../infra/alerts.ts';
import type { ProviderResult } from '../port.ts';

/**
 * "A channel keeps failing": this many provider failures in a row (retryable or permanent) raise
 * one `channel_failing` alert; the next success clears it. A dead device token is the user's
 * problem, not the channel's, so it neither counts nor clears.
 */
export function createFailureWatch(o: { channel: Channel; threshold: number; alerter?: Alerter }) {
  let consecutive = 0;
  return {
    observe(result: ProviderResult): void {
      switch (result.kind) {
        case 'ok':
          consecutive = 0;
          o.alerter?.clear('channel_failing', o.channel);
          return;
        case 'retryable':
        case 'permanent':
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
