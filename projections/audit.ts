import type { OperatorRef } from '../domain/events.ts';
import { ACCOUNT_EVENT_TYPES } from './accounts.ts';
import { eventTime, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

/**
 * The console's audit page: one entry per operator action (redrives, cancels, app and operator
 * changes), newest first, naming who did it. `by` absent: the host's CLI did it (app and operator
 * changes); a cancel through the app's own credentials is the app's business, not an operator's,
 * and is not listed. Hashes and sealed secrets never reach an entry.
 */
export interface AuditDoc extends ProjectedDoc {
  at: string;
  action: Handled;
  by: OperatorRef | null;
  /** by.operatorId, flat for the index (null: the CLI). */
  operatorId: string | null;
  /** What was acted on: an app, an operator, a redrive, a notification. */
  subject: { kind: 'app' | 'operator' | 'redrive' | 'notification'; id: string; name?: string };
  appId?: string;
  details: Record<string, string | number | boolean>;
}

const AUDITED = [...ACCOUNT_EVENT_TYPES, 'RedriveRequested', 'NotificationCanceled'] as const;
type Handled = (typeof AUDITED)[number];

/** The entry's id is the event's: applying an event twice rewrites the same entry. */
function ids(event: EventOf<Handled>): string[] {
  if (event.type === 'NotificationCanceled' && event.data.by === undefined) return [];
  return [event.id];
}

function subjectAndDetails(event: EventOf<Handled>): Pick<AuditDoc, 'subject' | 'details'> & { appId?: string } {
  switch (event.type) {
    case 'OperatorCreated':
      return { subject: { kind: 'operator', id: event.data.operatorId, name: event.data.email }, details: { role: event.data.role } };
    case 'OperatorPasswordChanged':
    case 'OperatorTotpEnabled':
    case 'OperatorTotpDisabled':
    case 'OperatorDisabled':
    case 'OperatorEnabled':
      return { subject: { kind: 'operator', id: event.data.operatorId }, details: {} };
    case 'OperatorRoleChanged':
      return { subject: { kind: 'operator', id: event.data.operatorId }, details: { role: event.data.role, previousRole: event.data.previousRole } };
    case 'AppRegistered':
      return { subject: { kind: 'app', id: event.data.appId, name: event.data.name }, appId: event.data.appId, details: {} };
    case 'AppSecretRotated':
    case 'AppRevoked':
      return { subject: { kind: 'app', id: event.data.appId }, appId: event.data.appId, details: {} };
    case 'RedriveRequested': {
      const f = event.data.filter;
      return {
        subject: { kind: 'redrive', id: event.data.redriveId },
        appId: event.data.appId,
        details: { matched: event.data.notificationIds.length, from: f.from, to: f.to, ...(f.channel && { channel: f.channel }), ...(f.reason && { reason: f.reason }) },
      };
    }
    case 'NotificationCanceled':
      return { subject: { kind: 'notification', id: event.data.notificationId }, appId: event.data.appId, details: {} };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function evolve(_doc: AuditDoc | undefined, event: EventOf<Handled>, id: string): AuditDoc | undefined {
  const { subject, details, appId } = subjectAndDetails(event);
  const by = (event.data as { by?: OperatorRef }).by;
  return {
    _id: id,
    at: eventTime(event),
    action: event.type,
    by: by ? { operatorId: by.operatorId, email: by.email } : null,
    operatorId: by?.operatorId ?? null,
    subject,
    ...(appId !== undefined && { appId }),
    details,
  };
}

export const audit: ReadModel<AuditDoc, Handled> = {
  name: 'audit',
  handles: AUDITED,
  indexes: [{ keys: { at: -1 } }, { keys: { operatorId: 1, at: -1 } }],
  ids,
  evolve,
};
