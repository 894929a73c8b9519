import { createOperator, setOperatorPassword } from '../../commands/operators.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';

/** The demo's console account: a fresh platform has no operators, and the person running the demo must get in. */
export const DEMO_ADMIN_EMAIL = 'admin@demo.local';

/**
 * An admin with a new generated password, printed by the demo. A demo run on a kept data directory
 * finds the account from the run before: it gets a new password (the old one was only printed).
 */
export async function demoAdmin(store: EventStore, now: Date = new Date()): Promise<{ email: string; password: string }> {
  try {
    const created = await createOperator({ store }, { email: DEMO_ADMIN_EMAIL, role: 'admin' }, { now });
    return { email: created.email, password: created.password! };
  } catch (e) {
    if (!isDomainError(e, 'already_exists')) throw e;
    const password = await setOperatorPassword(store, DEMO_ADMIN_EMAIL, undefined, { now });
    return { email: DEMO_ADMIN_EMAIL, password: password! };
  }
}
