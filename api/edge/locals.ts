import type { Response } from 'express';

/** Typed access to what the middleware chain leaves on `res.locals`. */
export interface ApiLocals {
  requestId: string;
  appId?: string;
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
