import type { Response } from 'express';
import type { CommandContext } from '../../commands/context.ts';
import type { OperatorRef, OperatorRole } from '../../domain/events.ts';

/** Typed access to what the middleware chain leaves on `res.locals`. */
export interface ApiLocals {
  requestId: string;
  appId?: string;
  /** Set when the request comes from a console session (an operator), not from app credentials. */
  operator?: OperatorRef & { role: OperatorRole };
}

export function locals(res: Response): ApiLocals {
  return res.locals as ApiLocals;
}

/** The authenticated app; routes behind the auth middleware only. */
export function appIdOf(res: Response): string {
  const appId = locals(res).appId;
  if (appId === undefined) throw new Error('route used without the auth middleware');
  return appId;
}

/** The operator acting, as commands record it (`by`); undefined for app credentials. */
export function operatorOf(res: Response): OperatorRef | undefined {
  const o = locals(res).operator;
  return o && { operatorId: o.operatorId, email: o.email };
}

/** The command context of a request: the app, the request id, and the operator when a console session acts. */
export function contextOf(res: Response, now: Date): CommandContext {
  const operator = operatorOf(res);
  return { appId: appIdOf(res), requestId: locals(res).requestId, now, ...(operator && { operator }) };
}
