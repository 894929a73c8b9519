/** Every way a command can be refused. The HTTP edge maps each to a status with an exhaustive switch. */
export const DOMAIN_ERROR_CODES = [
  'attempt_already_recorded',
  'invalid_state',
  'user_not_found',
  'device_not_found',
  'template_not_found',
  'template_owned_by_other_app',
  'app_not_found',
  'app_revoked',
  'operator_not_found',
  'already_exists',
  'already_final',
  'limit_reached',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(code: DomainErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
  }
}

export function isDomainError(e: unknown, code?: DomainErrorCode): e is DomainError {
  return e instanceof DomainError && (code === undefined || e.code === code);
}
