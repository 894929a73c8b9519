import { randomUUID } from 'node:crypto';
import type { EventMetadata, OperatorRef } from '../domain/events.ts';
import { currentTraceparent } from '../infra/telemetry.ts';

/** Who asked and when: every command carries it, and every event it appends records it. */
export interface CommandContext {
  appId: string;
  /** The HTTP request id (X-Request-Id) or a fresh id for CLI and webhook commands. */
  requestId: string;
  now: Date;
  /** The console operator acting (their events name them: `by`, and `operatorId` in the metadata). */
  operator?: OperatorRef;
}

export function metadataFor(ctx: CommandContext, causationId: string = ctx.requestId): EventMetadata {
  const traceparent = currentTraceparent();
  return {
    correlationId: ctx.requestId,
    causationId,
    appId: ctx.appId,
    ...(traceparent ? { traceparent } : {}),
    ...(ctx.operator && { operatorId: ctx.operator.operatorId }),
  };
}

export function cliContext(appId: string, now: Date = new Date()): CommandContext {
  return { appId, requestId: randomUUID(), now };
}
