import { accounts } from './accounts.ts';
import { analytics } from './analytics.ts';
import { audit } from './audit.ts';
import { inbox } from './inbox.ts';
import { notificationStatus } from './notificationStatus.ts';
import { rateWindows } from './rateWindows.ts';
import { templates } from './templates.ts';
import type { ReadModel } from './readModel.ts';
import { topicSubscribers } from './topicSubscribers.ts';

/**
 * Every read model the platform maintains, by name; each is read in production (queries.ts).
 * Users are read from their own stream by the commands, and scheduled notifications live in the
 * dispatcher's state store (the one that publishes them), so neither has a read model here.
 */
export const READ_MODELS = [rateWindows, notificationStatus, analytics, inbox, templates, topicSubscribers, accounts, audit] as unknown as readonly ReadModel[];

export function readModelNamed(name: string): ReadModel {
  const model = READ_MODELS.find((m) => m.name === name);
  if (!model) throw new Error(`unknown projection "${name}" (one of ${READ_MODELS.map((m) => m.name).join(', ')})`);
  return model;
}
