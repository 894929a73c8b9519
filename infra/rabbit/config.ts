/**
 * The delivery pipeline's knobs (docs/delivery-pipeline.md, where the defaults are explained).
 * app/config.ts builds them from the environment, with their defaults and validation; this floor only says what they are.
 */
export interface PipelineConfig {
  /** DELIVERY_LIMIT: deliveries of one message before the broker parks it (default 10). */
  deliveryLimit: number;
  /** QUORUM_REPLICAS: members of each quorum queue (unset: the broker's default, argument not declared). */
  quorumReplicas?: number;
  /** SENDER_PREFETCH: unacked messages per channel consumer (default 50). */
  prefetch: number;
  /** CHANNEL_FAILING_THRESHOLD: consecutive provider failures that raise `channel_failing` (default 10). */
  failingThreshold: number;
  /** CHANNEL_RECOVER_AFTER: successes in a row that end a `channel_failing` incident (default 5). */
  recoverAfter: number;
  /** PARKED_QUIET_MS: a `message_parked` incident ends after this long without a park, once its notifications are resolved (default 60000). */
  parkedQuietMs: number;
  /** DISPATCHER_MAX_IN_FLIGHT: unconfirmed publishes (default 100). */
  dispatcherMaxInFlight: number;
  /** DISPATCHER_SCHEDULE_TICK_MS: how often due scheduled notifications are looked for (default 1000). */
  scheduleTickMs: number;
  /** STUCK_AFTER_MS: pending this long with no event = stuck, republished (0: derived from the retry policy and the provider timeout). */
  stuckAfterMs: number;
  /** SENDER_APP_MAX_IN_FLIGHT: one app's messages a channel consumer works on at once (default 20); more are put off. */
  appMaxInFlight?: number;
}
