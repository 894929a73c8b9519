import { analytics } from './analytics.ts';
import { contacts } from './contacts.ts';
import { notificationStatus } from './notificationStatus.ts';
import { preferences } from './preferences.ts';
import { rateWindows } from './rateWindows.ts';
import type { ReadModel } from './readModel.ts';
import { schedule } from './schedule.ts';

/** Every read model the platform maintains, by name. */
export const READ_MODELS = [contacts, preferences, rateWindows, notificationStatus, schedule, analytics] as unknown as readonly ReadModel[];

export function readModelNamed(name: string): ReadModel {
  const model = READ_MODELS.find((m) => m.name === name);
  if (!model) throw new Error(`unknown projection "${name}" (one of ${READ_MODELS.map((m) => m.name).join(', ')})`);
  return model;
}
