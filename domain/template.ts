import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import type { TemplateContent, TemplateEvent, TemplatePublished } from './events.ts';

export interface TemplateState {
  appId?: string;
  /** Every published version, oldest first; version n is at index n - 1. */
  versions: TemplatePublished['data'][];
}

export type TemplateCommand = {
  type: 'PublishTemplate';
  data: { templateId: string; appId: string; content: TemplateContent; requiredParams: string[]; at: string };
};

const initialState = (): TemplateState => ({ versions: [] });

function evolve(state: TemplateState, event: TemplateEvent): TemplateState {
  switch (event.type) {
    case 'TemplatePublished':
      return { appId: state.appId ?? event.data.appId, versions: [...state.versions, event.data] };
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

export function latestVersion(state: TemplateState): TemplatePublished['data'] | undefined {
  return state.versions[state.versions.length - 1];
}

export function templateVersion(state: TemplateState, version: number): TemplatePublished['data'] | undefined {
  return state.versions[version - 1];
}

function decide(command: TemplateCommand, state: TemplateState): TemplateEvent[] {
  const { templateId, appId, content, requiredParams, at } = command.data;
  if (state.appId !== undefined && state.appId !== appId) {
    throw new DomainError('template_owned_by_other_app', `template ${templateId} belongs to another app`);
  }
  const latest = latestVersion(state);
  // Publishing the same content again keeps the version: PUT is idempotent.
  if (latest && JSON.stringify(latest.content) === JSON.stringify(content)) return [];
  return [
    {
      type: 'TemplatePublished',
      data: { templateId, appId, version: state.versions.length + 1, content, requiredParams: [...requiredParams].sort(), at },
    },
  ];
}

export const templateDecider: Decider<TemplateState, TemplateCommand, TemplateEvent> = { initialState, evolve, decide };
